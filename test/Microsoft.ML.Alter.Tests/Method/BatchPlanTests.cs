using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>
/// How an epoch's rows become batches: tasks mixed within batches, lengths sorted within a pool so padding stays
/// small, batch order random; and the sampler's argument checks.
/// </summary>
[TestClass]
public sealed class BatchPlanTests
{
    [TestMethod]
    public void BatchesMixTasksWhenEveryRowHasTheSameLength()
    {
        // Two tasks of the same sentences ("the film was very good": every row is 7 tokens), 40 rows each, one pool.
        var sentiment = SyntheticTasks.Sentiment(40, 1);
        var rows = TinyBert.TrainingRows(sentiment.Concat(sentiment.Select(e => e with { Task = "mood" })).ToList());
        Assert.AreEqual(1, rows.Inputs.Select(i => i.Length).Distinct().Count(), "the test needs rows of one length");

        var batches = new TaskBatchSampler(rows, batchSize: 8, temperature: 1).Epoch(new Random(3));

        // Rows taken task by task and left in that order would give 10 one-task batches.
        var mixed = batches.Count(b => b.Select(i => rows.Tasks[i]).Distinct().Count() == 2);
        Assert.IsTrue(mixed >= 7, $"{mixed} of {batches.Count} batches hold both tasks");
    }

    [TestMethod]
    public void BatchesOfAPoolTakeConsecutiveLengthsAndComeInRandomOrder()
    {
        // 3 tasks, 120 rows of 5 to 8 words; batch 4 → one pool of up to 200 rows.
        var rows = TinyBert.TrainingRows(SyntheticTasks.ThreeTasks(40, 5));
        var sampler = new TaskBatchSampler(rows, batchSize: 4, temperature: 1);
        var lengths = rows.Inputs.Select(i => i.Length).ToArray();
        Assert.IsTrue(lengths.Distinct().Count() >= 3, "the test needs rows of several lengths");
        for (var seed = 0; seed < 3; seed++)
        {
            var batches = sampler.Epoch(new Random(seed));
            var ranges = batches.Select(b => (Min: b.Min(i => lengths[i]), Max: b.Max(i => lengths[i]))).ToList();
            // Slices of one length-sorted list: no two batches' length ranges interleave.
            for (var a = 0; a < ranges.Count; a++)
                for (var b = a + 1; b < ranges.Count; b++)
                    Assert.IsTrue(ranges[a].Max <= ranges[b].Min || ranges[b].Max <= ranges[a].Min,
                        $"seed {seed}: batch {a} spans lengths {ranges[a].Min}-{ranges[a].Max}, batch {b} {ranges[b].Min}-{ranges[b].Max}");
            // ... yet they are not served shortest first.
            var firsts = ranges.Select(r => r.Min).ToList();
            Assert.IsFalse(firsts.Zip(firsts.Skip(1)).All(p => p.First <= p.Second), $"seed {seed}: batches come sorted by length");
            CollectionAssert.AreEquivalent(Enumerable.Range(0, rows.Tasks.Length).ToList(), batches.SelectMany(b => b).ToList(), $"seed {seed}: every row once");
        }
    }

    [TestMethod]
    public void ABatchSizeBelowOneOrATemperatureBelowOneIsRejected()
    {
        var rows = TinyBert.TrainingRows(SyntheticTasks.Sentiment(4, 1));
        foreach (var size in new[] { 0, -1 })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TaskBatchSampler(rows, size, 1));
            Assert.AreEqual("batchSize", error.ParamName);
            StringAssert.Contains(error.Message, "The batch size must be positive.");
        }
        foreach (var temperature in new[] { 0.5, 0, double.NaN })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TaskBatchSampler(rows, 8, temperature));
            Assert.AreEqual("temperature", error.ParamName);
            StringAssert.Contains(error.Message, "The sampling temperature must be at least 1.");
        }
        Assert.AreEqual(1, new TaskBatchSampler(rows, 8, 1).BatchesPerEpoch);
        Assert.AreEqual(4, new TaskBatchSampler(rows, 1, 1).BatchesPerEpoch);
    }
}
