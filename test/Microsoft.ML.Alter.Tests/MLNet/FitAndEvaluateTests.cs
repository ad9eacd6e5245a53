using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Tests.MLNet;

[TestClass]
public sealed class FitAndEvaluateTests
{
    [TestMethod]
    public void FitThenEvaluateOverallAndPerTask()
    {
        // The shared model: MapValueToKey → Trainers.Alter (stage 1 then stage 2, with a validation set) → MapKeyToValue.
        var ml = MLNetFixture.Context;
        var model = MLNetFixture.Model;
        var messages = MLNetFixture.TrainingLog;
        Console.WriteLine($"fit in {MLNetFixture.FitTime.TotalSeconds:F1}s:\n  " + string.Join("\n  ", messages.Where(m => m.StartsWith("stage", StringComparison.Ordinal))));

        var scored = model.Transform(ml.Data.LoadFromEnumerable(MLNetFixture.Test));
        var overall = ml.MulticlassClassification.Evaluate(scored);
        var perTask = ml.MulticlassClassification.EvaluatePerTask(scored);
        Console.WriteLine($"overall micro {overall.MicroAccuracy:F3} macro {overall.MacroAccuracy:F3} log-loss {overall.LogLoss:F3}; "
                          + string.Join(", ", perTask.Select(kv => $"{kv.Key} {kv.Value.MicroAccuracy:F3}")));

        CollectionAssert.AreEqual(new[] { "paraphrase", "question", "sentiment", "topic" }, perTask.Keys.ToArray());
        // Each task's metrics come from that task's rows only: counts match, and they average to the overall accuracy.
        foreach (var (task, metrics) in perTask)
            Assert.AreEqual(20, (int)metrics.ConfusionMatrix.Counts.Sum(row => row.Sum()), task);
        Assert.AreEqual(overall.MicroAccuracy, perTask.Values.Average(m => m.MicroAccuracy), 1e-9);
        Assert.IsTrue(double.IsFinite(overall.LogLoss));
        // Training learned every task (chance is 0.5 for two labels, 0.33 for three), measured on the test rows that
        // were not in the validation set (which chose the best epoch).
        var heldOut = ml.MulticlassClassification.EvaluatePerTask(model.Transform(ml.Data.LoadFromEnumerable(MLNetFixture.HeldOut)));
        LearningFloorTests.AssertFloor("Trainers.Alter", heldOut.ToDictionary(kv => kv.Key, kv => kv.Value.MicroAccuracy));

        // Every prediction is one of its own task's labels; scores are the task's softmax, 0 on the other tasks' labels.
        var alter = MLNetFixture.Parts(model).OfType<AlterTransformer>().Single();
        foreach (var row in ml.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: false))
        {
            var own = alter.LabelsByTask[row.Task];
            CollectionAssert.Contains(own.ToList(), row.PredictedLabel, row.Task);
            for (var slot = 0; slot < row.Score.Length; slot++)
                if (!own.Contains(alter.Labels[slot]))
                    Assert.AreEqual(0f, row.Score[slot]);
            Assert.AreEqual(1.0, row.Score.Sum(), 1e-5);
            Assert.AreEqual(alter.Labels[Array.IndexOf(row.Score, row.Score.Max())], row.PredictedLabel);
        }

        // Progress went through the host's channels: every epoch with its loss and per-task validation accuracy...
        var epochs = messages.Select(m => Regex.Match(m, $@"^stage 1 epoch \d+/{MLNetFixture.LearningEpochs} step \d+/\d+ loss ([0-9.]+) .*\| dev mean [0-9.]+ \(paraphrase [0-9.]+, question [0-9.]+, sentiment [0-9.]+, topic [0-9.]+\)"))
            .Where(m => m.Success).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
        Assert.AreEqual(MLNetFixture.LearningEpochs, epochs.Count, string.Join("\n", messages));
        Assert.AreEqual(1, messages.Count(m => m.StartsWith("stage 2 epoch 1/1", StringComparison.Ordinal) && m.Contains("topic ")), string.Join("\n", messages));
        // ...and training learned: the last epoch's loss is below the first's.
        Assert.IsTrue(epochs[^1] < epochs[0], $"epoch losses {string.Join(", ", epochs)}");
    }
}
