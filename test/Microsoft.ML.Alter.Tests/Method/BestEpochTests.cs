using Microsoft.ML.Alter.Training;
using TorchSharp.Modules;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>Which epoch a stage keeps, and when early stopping ends it, from hand-set validation accuracies.</summary>
[TestClass]
public sealed class BestEpochTests
{
    private static Dictionary<string, double> Dev(double a, double b) => new() { ["a"] = a, ["b"] = b };

    [TestMethod]
    public void TheBestEpochHasTheHighestMeanAccuracyOverTasks()
    {
        using var best = new BestWeights(Array.Empty<Parameter>(), epochs: 3, patience: 0, validated: true);
        best.Observe(1, Dev(0.60, 0.60));
        best.Observe(2, Dev(0.90, 0.50)); // mean 0.70 beats 0.60, though its worst task is worse
        best.Observe(3, Dev(0.55, 0.80)); // mean 0.675
        Assert.AreEqual(2, best.Epoch);
        CollectionAssert.AreEquivalent(Dev(0.90, 0.50).ToList(), best.Accuracy.ToList());
    }

    [TestMethod]
    public void TrainingStopsAfterPatienceEpochsWithoutABetterMeanAndNeverWithPatienceZero()
    {
        var means = new[] { 0.5, 0.6, 0.55, 0.6, 0.58, 0.7 };
        // Patience 2: epoch 3 and 4 do not beat epoch 2 (a tie is not better), so epoch 4 ends the stage.
        using (var best = new BestWeights(Array.Empty<Parameter>(), means.Length, patience: 2, validated: true))
        {
            var goOn = means.Take(4).Select((m, i) => best.Observe(i + 1, Dev(m, m))).ToList();
            CollectionAssert.AreEqual(new[] { true, true, true, false }, goOn);
            Assert.AreEqual(2, best.Epoch);
        }
        // Patience 1: the first epoch that does not improve ends it.
        using (var best = new BestWeights(Array.Empty<Parameter>(), means.Length, patience: 1, validated: true))
            Assert.AreEqual(3, means.Select((m, i) => best.Observe(i + 1, Dev(m, m))).TakeWhile(go => go).Count() + 1);
        // Patience 0: every epoch runs, and the last, best one is kept.
        using (var best = new BestWeights(Array.Empty<Parameter>(), means.Length, patience: 0, validated: true))
        {
            Assert.IsTrue(means.Select((m, i) => best.Observe(i + 1, Dev(m, m))).All(go => go));
            Assert.AreEqual(6, best.Epoch);
        }
        // Without validation data the latest epoch is the kept one and nothing stops early.
        using (var best = new BestWeights(Array.Empty<Parameter>(), 3, patience: 1, validated: false))
        {
            Assert.IsTrue(Enumerable.Range(1, 3).All(e => best.Observe(e, null)));
            Assert.AreEqual(3, best.Epoch);
            Assert.AreEqual(0, best.Accuracy.Count);
        }
    }
}
