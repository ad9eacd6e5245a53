using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>Stage 1's learning rates per part: experts apart from the encoder, and layer-wise decay down the encoder.</summary>
[TestClass]
public sealed class LearningRateGroupsTests
{
    /// <summary>
    /// Checked through what the optimizer did, as in <see cref="ScheduleTests"/>: on AdamW's first step (no warm-up) the
    /// largest move of a vector with a gradient equals its group's learning rate. The tiny encoder has 2 layers, the
    /// mixture sits in the top one, and each layer down halves the rate.
    /// </summary>
    [TestMethod]
    public void ExpertsTakeTheirOwnRateAndEachLayerDownIsSlowerByTheDecay()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(8, 1);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), new MtaOptions { Layers = new[] { 1 } }, 32, seed: 3);
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        var options = new AlterTrainingOptions
        {
            Stage1 = new StageOptions { Epochs = 1, LearningRate = 2e-3, ExpertLearningRate = 8e-3, LayerDecay = 0.5, HeadLearningRate = 3e-2 },
            BatchSize = train.Count, WarmupFraction = 0, WeightDecay = 0,
        };
        new AlterTrainer(options).TrainStage1(model, train, null);
        var after = model.state_dict();
        void Moved(string key, double rate)
            => Assert.AreEqual(rate, (after[key] - before[key]).abs().max().item<float>(), rate * 1e-3,
                $"{key}; the parameters: {string.Join(", ", after.Keys)}");

        Moved("heads.1.dense.bias", 3e-2);
        Moved("bert.encoder.layer.1.mta.experts.0.output.dense.bias", 8e-3);
        Moved("bert.encoder.layer.1.mta.experts.2.intermediate.dense.bias", 8e-3);
        Moved("bert.encoder.layer.1.attention.output.dense.bias", 2e-3);
        Moved("bert.encoder.layer.0.output.dense.bias", 1e-3);
        Moved("bert.encoder.layer.0.attention.self.query.bias", 1e-3);
        Moved("bert.embeddings.LayerNorm.weight", 5e-4);
    }

    /// <summary>Every parameter trains in exactly one group, whatever the options.</summary>
    [TestMethod]
    public void EveryParameterIsInExactlyOneGroup()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(4, 1);
        foreach (var layers in new[] { new[] { 1 }, new[] { 0, 1 }, Array.Empty<int>() })
        {
            using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), new MtaOptions { Layers = layers }, 32);
            var groups = StageOneGroups.Of(model, new StageOptions { LearningRate = 1e-4, LayerDecay = 0.8 });
            var grouped = groups.SelectMany(g => g.Parameters).ToList();
            Assert.AreEqual(grouped.Count, grouped.Distinct().Count(), $"layers [{string.Join(",", layers)}]: a parameter is in two groups");
            CollectionAssert.AreEquivalent(model.parameters().ToList(), grouped, $"layers [{string.Join(",", layers)}]");
        }
    }
}
