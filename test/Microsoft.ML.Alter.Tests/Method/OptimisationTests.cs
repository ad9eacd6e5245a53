using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>Early stopping and the restored best weights.</summary>
[TestClass]
public sealed class OptimisationTests
{
    private static readonly MtaOptions OneLayer = new() { Layers = new[] { 1 } };

    /// <summary>
    /// Whatever the validation accuracy does, the stage keeps the weights of the first epoch with the best mean
    /// accuracy and stops once <c>EarlyStoppingPatience</c> epochs in a row have not beaten it. The expectation is
    /// derived from the accuracies reported at each epoch end, and the weights of every epoch are captured there.
    /// </summary>
    [TestMethod]
    public void EarlyStoppingStopsAfterThePatienceAndRestoresTheBestEpochsWeights()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(24, 3);
        var dev = SyntheticTasks.ThreeTasks(6, 60);
        const int patience = 2;
        var options = new AlterTrainingOptions
        {
            // A tiny random encoder at a high rate: validation accuracy goes up, then plateaus or wobbles.
            Stage1 = new StageOptions { Epochs = 12, LearningRate = 3e-3, HeadLearningRate = 1e-2, EarlyStoppingPatience = patience },
            BatchSize = 8,
            Seed = 5,
        };
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), OneLayer, 32, seed: 5);
        var scores = new List<double>();
        var weights = new List<Dictionary<string, Tensor>>();
        var progress = new SynchronousProgress(p =>
        {
            if (p.DevAccuracy is null)
                return;
            scores.Add(p.DevAccuracy.Values.Average());
            weights.Add(model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone()));
        });
        var result = new AlterTrainer(options, progress).TrainStage1(model, train, dev);
        Console.WriteLine($"mean dev accuracy per epoch: {string.Join(", ", scores.Select(s => s.ToString("F3")))}; kept epoch {result.BestEpoch}");

        var stop = scores.Count;
        for (var epoch = 1; epoch <= scores.Count; epoch++)
            if (epoch - 1 - IndexOfBestUpTo(scores, epoch - 1) >= patience)
            {
                stop = epoch;
                break;
            }
        Assert.AreEqual(stop, result.EpochsRun, "stopped after the patience ran out");
        Assert.AreEqual(scores.Count, result.EpochsRun);
        var bestEpoch = IndexOfBestUpTo(scores, stop - 1);
        Assert.AreEqual(bestEpoch + 1, result.BestEpoch);
        Assert.AreEqual(scores[bestEpoch], result.MeanDevAccuracy!.Value, 1e-12);
        // The scenario this test is about: stopped before the last epoch, and the kept epoch is not the last run.
        Assert.IsTrue(result.EpochsRun < options.Stage1.Epochs, $"ran {result.EpochsRun} epochs");
        Assert.IsTrue(result.BestEpoch < result.EpochsRun);

        var final = model.state_dict();
        foreach (var (key, value) in weights[bestEpoch])
            Assert.IsTrue(value.equal(final[key]).all().item<bool>(), $"{key} is the best epoch's");
        Assert.IsFalse(weights[^1].All(kv => kv.Value.equal(final[kv.Key]).all().item<bool>()), "the last epoch's weights were replaced");
        Assert.IsTrue(model.parameters().All(p => p.requires_grad));
        Assert.IsFalse(model.training, "left in eval mode");
    }

    /// <summary>The epoch (0-based) of the first maximum among epochs 0..last.</summary>
    private static int IndexOfBestUpTo(IReadOnlyList<double> scores, int last)
    {
        var best = 0;
        for (var e = 1; e <= last; e++)
            if (scores[e] > scores[best])
                best = e;
        return best;
    }
}
