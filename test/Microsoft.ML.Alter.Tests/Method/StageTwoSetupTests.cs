using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>Stage 2 on a stage-1 model adds the configured shared experts and the gate itself, from its own seed.</summary>
[TestClass]
public sealed class StageTwoSetupTests
{
    [TestMethod]
    public void StageTwoAddsTheConfiguredSharedExpertsAndAGateToEveryMixtureReproducibly()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(8, 1);
        var options = AlterTrainingTests.TinyOptions with { SharedExperts = 2 };
        var trainer = new AlterTrainer(options);
        var mta = new MtaOptions { Layers = new[] { 0, 1 } };

        Dictionary<string, TorchSharp.torch.Tensor> StageTwo()
        {
            var (model, _) = trainer.CreateAndTrainStage1(pretrained, train, null, mta, maxLength: 32);
            using (model)
            {
                Assert.AreEqual(0, model.Config.SharedExpertCount);
                trainer.TrainStage2(model, train, null);
                Assert.AreEqual(2, model.Config.SharedExpertCount);
                return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            }
        }

        var first = StageTwo();
        foreach (var layer in new[] { 0, 1 })
        {
            Assert.IsTrue(first.Keys.Any(k => k.StartsWith($"bert.encoder.layer.{layer}.mta.gate.", StringComparison.Ordinal)), $"layer {layer} has no gate");
            foreach (var shared in new[] { 0, 1 })
                Assert.IsTrue(first.ContainsKey($"bert.encoder.layer.{layer}.mta.shared.{shared}.intermediate.dense.weight"), $"layer {layer} lacks shared expert {shared}");
            Assert.IsFalse(first.Keys.Any(k => k.StartsWith($"bert.encoder.layer.{layer}.mta.shared.2.", StringComparison.Ordinal)));
        }
        // Other work in between moves the global random generator; stage 2 seeds its own initialisation and dropout.
        _ = TorchSharp.torch.rand(100);
        var second = StageTwo();
        foreach (var (key, value) in first)
            Assert.IsTrue(value.equal(second[key]).all().item<bool>(), key);
    }
}
