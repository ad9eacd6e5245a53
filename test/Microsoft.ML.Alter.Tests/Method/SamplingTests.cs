using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>Temperature sampling of tasks: rows per task ∝ n^(1/T), drawn fairly from each task's rows.</summary>
[TestClass]
public sealed class SamplingTests
{
    private static EncodedRows Rows(int sentiment, int topic, int question)
        => TinyBert.TrainingRows(SyntheticTasks.Sentiment(sentiment, 1).Concat(SyntheticTasks.Topic(topic, 2)).Concat(SyntheticTasks.Question(question, 3)).ToList());

    [TestMethod]
    public void RowsPerTaskFollowSizeToThePowerOneOverTemperatureOverManyEpochs()
    {
        // Tasks in index order (names sorted): question 9 rows, sentiment 400, topic 64.
        var rows = Rows(sentiment: 400, topic: 64, question: 9);
        var sizes = new[] { 9, 400, 64 };
        var position = rows.Tasks.Select((t, i) => rows.Tasks.Take(i).Count(x => x == t)).ToArray();
        foreach (var temperature in new[] { 1.0, 2.0, 5.0 })
        {
            var sampler = new TaskBatchSampler(rows, batchSize: 16, temperature);
            var random = new Random(7);
            var counts = new double[3];
            var seen = sizes.Select(n => new int[n]).ToArray();
            const int epochs = 60;
            for (var epoch = 0; epoch < epochs; epoch++)
            {
                var batches = sampler.Epoch(random);
                Assert.AreEqual(sampler.BatchesPerEpoch, batches.Count);
                Assert.IsTrue(batches.All(b => b.Length is > 0 and <= 16));
                foreach (var row in batches.SelectMany(b => b))
                {
                    var task = rows.Tasks[row];
                    counts[task]++;
                    seen[task][position[row]]++;
                }
            }
            // n^(1/T) / Σ n^(1/T) of all rows, computed here.
            var total = sizes.Sum();
            var powered = sizes.Select(n => Math.Pow(n, 1 / temperature)).ToArray();
            for (var t = 0; t < 3; t++)
            {
                var expected = total * powered[t] / powered.Sum();
                Assert.AreEqual(expected, counts[t] / epochs, 0.5 + 1e-9, $"T={temperature}, task {t}: {counts[t] / epochs} rows per epoch, expected {expected:F2}");
            }
            Assert.AreEqual(total, counts.Sum() / epochs, 1.5, "the epoch keeps about the data's size");
            // Every row of every task is drawn, and about equally often.
            for (var t = 0; t < 3; t++)
            {
                var mean = seen[t].Average();
                Assert.IsTrue(seen[t].All(c => c > 0), $"T={temperature}, task {t}: some rows never drawn");
                Assert.IsTrue(seen[t].All(c => Math.Abs(c - mean) <= Math.Max(2, 0.6 * mean)), $"T={temperature}, task {t}: draws per row {string.Join(",", seen[t])}");
            }
        }
    }

    [TestMethod]
    public void SmallTasksAreUpSampledWhenTheTemperatureIsAboveOne()
    {
        var rows = Rows(sentiment: 400, topic: 64, question: 9);
        var plain = new TaskBatchSampler(rows, 16, 1).RowsPerTask();
        var warm = new TaskBatchSampler(rows, 16, 3).RowsPerTask();
        CollectionAssert.AreEqual(new[] { 9, 400, 64 }, plain);
        Assert.IsTrue(warm[0] > 9 && warm[1] < 400, string.Join(", ", warm));
        // 473 × n^(1/3) / Σ: 9 → 73.16, 400 → 259.15, 64 → 140.69 (hand-computed).
        CollectionAssert.AreEqual(new[] { 73, 259, 141 }, warm);
    }
}
