using System.Text;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Tests.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Tests.Reliability;

/// <summary>
/// Random texts, option values and damaged model bytes: each gives a result or a clear exception (an argument, data or
/// operation error with a message), never a crash or a hang. Seeded, so a failure reproduces; bounded, so it is fast.
/// </summary>
[TestClass]
public sealed class FuzzTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Characters that have broken text pipelines: controls, zero-width, BOM, lone and paired surrogates, marks, RTL.</summary>
    private static readonly string[] Pieces =
    {
        "good", "movie", "the", " ", "\t", "\n", "\r\n", "\u0000", "\u0007", "\u001B", "\u007F", "\u0085", "\u00A0", "\u200B", "\u200C",
        "\u200D", "\u2028", "\u202E", "\uFEFF", "\uFFFD", "\uFFFF", "\uD83D", "\uDE00", "\uD83D\uDE00", "\U0001F44D\U0001F3FD", "e\u0301",
        "\u0301", "日本語", "עברית", "العربية", "ﷺ", "ß", "İ", "ǅ", "\u3000", "[CLS]", "[SEP]", "[PAD]", "##s", "......", "a\u0000b",
    };

    internal static string RandomText(Random random)
    {
        var builder = new StringBuilder();
        var count = random.Next(10) == 0 ? random.Next(300, 600) : random.Next(0, 8);
        for (var i = 0; i < count; i++)
            builder.Append(random.Next(4) == 0 ? ((char)random.Next(0, 0x10000)).ToString() : Pieces[random.Next(Pieces.Length)]);
        return builder.ToString();
    }

    [TestMethod]
    public void RandomUnicodeTextsScoreOrAreMissingThroughTransformAndFailClearlyInTheCore()
    {
        var random = new Random(15);
        var tasks = MLNetFixture.Alter.TaskNames;
        var rows = Enumerable.Range(0, 300).Select(i => new TextRow
        {
            Task = random.Next(10) switch { 0 => RandomText(random), 1 => "", _ => tasks[random.Next(tasks.Count)] },
            Sentence1 = RandomText(random),
            Sentence2 = random.Next(3) == 0 ? RandomText(random) : "",
            Label = "positive",
        }).ToList();
        var run = Task.Run(() =>
        {
            var scored = MLNetFixture.Alter.Transform(MLNetFixture.Keyed(rows));
            var labels = scored.GetColumn<uint>("PredictedLabel").ToList();
            var scores = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToList();
            Assert.AreEqual(rows.Count, labels.Count);
            for (var i = 0; i < rows.Count; i++)
                if (labels[i] == 0)
                    Assert.IsTrue(scores[i].All(float.IsNaN), $"row {i}");
                else
                    Assert.AreEqual(1.0, scores[i].Where(float.IsFinite).Sum(), 1e-4, $"row {i}");

            foreach (var row in rows)
            {
                try
                {
                    var prediction = AlterPredictor.Predict(MLNetFixture.Alter.Model, new[] { new TaskInput(row.Task, row.Sentence1, row.Sentence2) }).Single();
                    Assert.IsTrue(prediction.Probabilities.All(float.IsFinite));
                }
                catch (ArgumentException e)
                {
                    Assert.IsFalse(string.IsNullOrWhiteSpace(e.Message));
                }
            }
        });
        Assert.IsTrue(run.Wait(Limit), "no hang");
    }

    [TestMethod]
    public void RandomOptionValuesAreRejectedAtConstructionOrTrainClearly()
    {
        var random = new Random(16);
        double[] reals = { double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1, 0, 1e-9, 1e-3, 0.5, 1, 3, 1e9 };
        int[] counts = { int.MinValue, -1, 0, 1, 2, 7, 1_000_000, int.MaxValue };
        int[] epochs = { -1, 0, 1 };
        // Stage epochs may also be null: chosen from the data.
        int?[] stageEpochs = { -1, 0, 1, null };
        var ml = new MLContext(seed: 1);
        var data = MLNetFixture.Keyed(MLNetFixture.Train.Where((_, i) => i % 8 < 2)); // both labels of every task
        var fits = 0;
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var options = MLNetFixture.Options();
            options.WeightDecay = Pick(options.WeightDecay, reals);
            options.Stage1LearningRate = Pick(options.Stage1LearningRate, reals);
            options.Stage1HeadLearningRate = Pick(options.Stage1HeadLearningRate, reals);
            options.Stage2LearningRate = Pick(options.Stage2LearningRate, reals);
            options.Stage2HeadLearningRate = Pick(options.Stage2HeadLearningRate, reals);
            options.WarmupFraction = Pick(options.WarmupFraction, reals);
            options.SamplingTemperature = Pick(options.SamplingTemperature, reals);
            options.Temperature = Pick(options.Temperature, reals);
            options.HeadDropout = Pick(options.HeadDropout, reals);
            options.BatchSize = Pick(options.BatchSize, counts);
            options.ScoringBatchSize = Pick(options.ScoringBatchSize, counts);
            options.MaxLength = Pick(options.MaxLength, counts);
            options.LogEverySteps = Pick(options.LogEverySteps, counts);
            options.EarlyStoppingPatience = Pick(options.EarlyStoppingPatience, epochs);
            options.Stage1Epochs = Pick(options.Stage1Epochs, stageEpochs);
            options.Stage2Epochs = Pick(options.Stage2Epochs, stageEpochs);
            AlterEstimator estimator;
            try
            {
                estimator = ml.MulticlassClassification.Trainers.Alter(options);
            }
            catch (ArgumentException e)
            {
                Assert.IsFalse(string.IsNullOrWhiteSpace(e.Message));
                continue;
            }
            // Valid options train (few rows, at most one epoch per stage), or stop with a clear error (a learning rate so
            // high the loss diverges).
            if (fits++ >= 6)
                continue;
            var run = Task.Run(() =>
            {
                try
                {
                    using var model = estimator.Fit(data);
                    Assert.IsTrue(model.Transform(data).GetColumn<uint>("PredictedLabel").All(k => k > 0));
                }
                catch (InvalidOperationException e)
                {
                    StringAssert.Contains(e.Message, "loss became");
                }
            });
            Assert.IsTrue(run.Wait(Limit), "no hang");
        }
        Assert.IsTrue(fits > 0, "some random options were valid and trained");

        // Mostly the fixture's working value, sometimes a random one: with every option random at once, nearly every set
        // would hold some invalid value and nothing valid would ever train.
        T Pick<T>(T current, T[] values) => random.Next(4) == 0 ? values[random.Next(values.Length)] : current;
    }

    [TestMethod]
    public void DamagedModelBytesLoadOrFailAsInvalidData()
    {
        byte[] saved;
        using (var stream = new MemoryStream())
        {
            AlterModelStore.Save(MLNetFixture.Alter.Model, stream);
            saved = stream.ToArray();
        }
        var random = new Random(17);
        var loaded = 0;
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var bytes = (byte[])saved.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            if (random.Next(5) == 0)
                bytes = bytes[..random.Next(bytes.Length)];
            try
            {
                using var model = AlterModelStore.Load(new MemoryStream(bytes));
                loaded++;
            }
            catch (InvalidDataException e)
            {
                Assert.IsFalse(string.IsNullOrWhiteSpace(e.Message));
            }
        }
        Console.WriteLine($"{loaded} of 60 damaged copies still loaded (damage outside every entry's content)");
    }
}
