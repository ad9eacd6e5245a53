using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>What training reports: accuracy per task, progress lines, the time left, a stage's mean accuracy.</summary>
[TestClass]
public sealed class TrainingReportTests
{
    [TestMethod]
    public void AccuracyIsCountedPerTaskAndNamedByTask()
    {
        using var pretrained = TinyBert.Checkpoint();
        var examples = SyntheticTasks.Sentiment(4, 1).Concat(SyntheticTasks.Question(6, 2)).ToList();
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(examples), new MtaOptions { Layers = new[] { 1 } }, 32);
        var rows = EncodedRows.FromExamples(model, examples, "dev");
        // Tasks in index order: question (6 rows), sentiment (4 rows). Right: 3 of the questions, 1 of the sentiments.
        var right = new HashSet<int> { 4, 6, 9, 0 };
        var predictions = Enumerable.Range(0, rows.Count)
            .Select(i => new RowPrediction(rows.Tasks[i], Array.Empty<float>(), right.Contains(i) ? rows.Labels[i] : rows.Labels[i] == 0 ? 1 : 0)).ToList();

        var accuracy = Evaluation.Accuracy(model, rows, predictions);

        CollectionAssert.AreEqual(new[] { "question", "sentiment" }, accuracy.Keys.ToList());
        Assert.AreEqual(3 / 6.0, accuracy["question"], 1e-12);
        Assert.AreEqual(1 / 4.0, accuracy["sentiment"], 1e-12);
    }

    [TestMethod]
    public void ProgressLinesAndMeansReadAsDocumented()
    {
        var step = new TrainingProgress("stage 1", 2, 3, 20, 88, 0.41234, null, TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(3725));
        Assert.AreEqual("stage 1 epoch 2/3 step 20/88 loss 0.4123 elapsed 00:01:15 left ~01:02:05", step.ToString());
        Assert.IsNull(step.MeanDevAccuracy);
        var end = step with { Step = 88, DevAccuracy = new Dictionary<string, double> { ["rte"] = 0.5, ["sst2"] = 0.75 } };
        Assert.AreEqual("stage 1 epoch 2/3 step 88/88 loss 0.4123 elapsed 00:01:15 left ~01:02:05 | dev mean 0.6250 (rte 0.5000, sst2 0.7500)", end.ToString());
        Assert.AreEqual(0.625, end.MeanDevAccuracy);

        var result = new StageResult("stage 1", 3, 2, new Dictionary<string, double> { ["a"] = 0.5, ["b"] = 1 }, new[] { 1.0, 0.5, 0.4 }, TimeSpan.Zero, 1, 2);
        Assert.AreEqual(0.75, result.MeanDevAccuracy);
        Assert.IsNull((result with { DevAccuracy = new Dictionary<string, double>() }).MeanDevAccuracy);
    }

    [TestMethod]
    public void StepReportsEstimateTheTimeLeftFromTheStagesPaceAndLeaveEpochEndsToTheEpochReport()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(16, 1); // 48 rows, batch 8: 6 steps an epoch
        var reports = new List<TrainingProgress>();
        var options = AlterTrainingTests.TinyOptions with { Stage1 = AlterTrainingTests.TinyOptions.Stage1 with { Epochs = 2 }, BatchSize = 8, ProgressInterval = 2 };
        var (model, _) = new AlterTrainer(options, new SynchronousProgress(reports.Add))
            .CreateAndTrainStage1(pretrained, train, null, new MtaOptions { Layers = new[] { 1 } }, maxLength: 32);
        model.Dispose();

        var steps = reports.Where(r => r.Step < r.StepsPerEpoch).ToList();
        // Steps 2 and 4 of each epoch; step 6 ends the epoch and is reported once, by the epoch report.
        CollectionAssert.AreEqual(new[] { (1, 2), (1, 4), (2, 2), (2, 4) }, steps.Select(r => (r.Epoch, r.Step)).ToList());
        Assert.AreEqual(2, reports.Count(r => r.Step == r.StepsPerEpoch));
        foreach (var r in steps)
        {
            var done = (r.Epoch - 1) * r.StepsPerEpoch + r.Step;
            var left = r.Epochs * r.StepsPerEpoch - done;
            var expected = r.Elapsed.TotalSeconds * left / done;
            Assert.IsTrue(r.Remaining > TimeSpan.Zero, r.ToString());
            // Elapsed and the estimate read the clock a moment apart.
            Assert.AreEqual(expected, r.Remaining.TotalSeconds, 0.1 * expected + 0.05, r.ToString());
        }
    }
}
