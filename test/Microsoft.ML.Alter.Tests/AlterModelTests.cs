using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.Alter.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests;

/// <summary>Structure of the mixture of task adapters at creation: prior, expert initialisation, exact start.</summary>
[TestClass]
public sealed class AlterModelTests
{
    private static readonly TaskSpec[] ThreeTasks =
    {
        new("question", new[] { "person", "place", "time" }),
        new("sentiment", new[] { "negative", "positive" }),
        new("topic", new[] { "money", "sports", "weather" }),
    };

    [TestMethod]
    public void SelectorWeightsSumToOneAndFollowThePrior()
    {
        using var pretrained = TinyBert.Checkpoint();
        using var model = pretrained.CreateAlterModel(ThreeTasks, new MtaOptions { Layers = new[] { 0, 1 } });
        Assert.AreEqual(4, model.Config.ExpertCount, "default: one expert more than tasks");
        var weights = model.ExpertWeights();
        Assert.AreEqual(2, weights.Length, "one selector per MTA layer");
        // softmax([0.22, 0.22, 0.20, 0.20] / 0.1), computed here independently.
        var favored = Math.Exp(2.2) / (2 * Math.Exp(2.2) + 2 * Math.Exp(2.0));
        var other = Math.Exp(2.0) / (2 * Math.Exp(2.2) + 2 * Math.Exp(2.0));
        foreach (var layer in weights)
            for (var t = 0; t < 3; t++)
            {
                Assert.AreEqual(1.0, layer[t].Sum(), 1e-6);
                Assert.IsTrue(layer[t].All(double.IsFinite));
                for (var e = 0; e < 4; e++)
                {
                    var own = e == t || e == t + 1;
                    Assert.AreEqual(own ? favored : other, layer[t][e], 1e-6, $"task {t} expert {e}");
                }
            }
        // Neighbouring tasks share exactly one favoured expert.
        var first = weights[0];
        var favouredOf = Enumerable.Range(0, 3).Select(t => Enumerable.Range(0, 4).Where(e => first[t][e] > other + 1e-6).ToHashSet()).ToList();
        Assert.AreEqual(1, favouredOf[0].Intersect(favouredOf[1]).Count());
        Assert.AreEqual(1, favouredOf[1].Intersect(favouredOf[2]).Count());
    }

    [TestMethod]
    public void CloneIsADeepCopyThatScoresTheSameAndTrainsApart()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(12, 4);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), new MtaOptions { Layers = new[] { 1 }, ExpertsPerTask = 2 }, 32, seed: 2);
        model.AddStage2(1);
        using var copy = model.Clone();
        Assert.AreEqual(model.Config.ToJson(), copy.Config.ToJson(), "same tasks, layers, routes, stage-2 experts");
        var original = model.state_dict();
        var copied = copy.state_dict();
        CollectionAssert.AreEquivalent(original.Keys.ToList(), copied.Keys.ToList());
        foreach (var (key, value) in original)
            Assert.IsTrue(value.equal(copied[key]).all().item<bool>(), $"{key} is copied");
        var inputs = train.Select(r => new TaskInput(r.Task, r.Text, r.Text2)).ToList();
        var before = AlterPredictor.Predict(model, inputs);
        var fromCopy = AlterPredictor.Predict(copy, inputs);
        for (var i = 0; i < inputs.Count; i++)
            CollectionAssert.AreEqual(before[i].Probabilities, fromCopy[i].Probabilities);

        new AlterTrainer(AlterTrainingTests.TinyOptions).TrainStage2(copy, train, null);
        var after = AlterPredictor.Predict(model, inputs);
        for (var i = 0; i < inputs.Count; i++)
            CollectionAssert.AreEqual(before[i].Probabilities, after[i].Probabilities, "training the copy leaves the original unchanged");
        // No tensor is shared, trained or not.
        using (no_grad())
            foreach (var (key, value) in copy.state_dict())
            {
                var kept = original[key].clone();
                value.add_(1);
                Assert.IsTrue(kept.equal(original[key]).all().item<bool>(), $"{key} has its own storage");
            }
    }

    [TestMethod]
    public void FeedForwardCopyExpertsStartAsThePretrainedFfnSoTheEncoderStartsUnchanged()
    {
        using var pretrained = TinyBert.Checkpoint();
        using var model = pretrained.CreateAlterModel(ThreeTasks, new MtaOptions { Layers = new[] { 1 } });
        var state = model.state_dict();
        for (var e = 0; e < model.Config.ExpertCount; e++)
            Assert.IsTrue(state[$"bert.encoder.layer.1.mta.experts.{e}.intermediate.dense.weight"].equal(pretrained.Weights["encoder.layer.1.intermediate.dense.weight"]).all().item<bool>());
        Assert.IsFalse(state.ContainsKey("bert.encoder.layer.1.intermediate.dense.weight"), "the experts replace the layer's own FFN");
        Assert.IsTrue(state.ContainsKey("bert.encoder.layer.0.intermediate.dense.weight"), "layer 0 is a plain layer");
        AssertEncoderMatchesPretrained(model, pretrained, tolerance: 1e-5f);
    }

    [TestMethod]
    public void BottleneckAdaptersStartAtZeroSoTheEncoderStartsExactlyAsPretrained()
    {
        using var pretrained = TinyBert.Checkpoint();
        using var model = pretrained.CreateAlterModel(ThreeTasks, new MtaOptions { ExpertKind = ExpertKind.Bottleneck, Layers = new[] { 0, 1 }, AdapterSize = 8 });
        Assert.IsTrue(model.state_dict().ContainsKey("bert.encoder.layer.1.intermediate.dense.weight"), "adapters keep the pretrained FFN");
        AssertEncoderMatchesPretrained(model, pretrained, tolerance: 0f);
    }

    [TestMethod]
    public void BadStructureOptionsAreRejected()
    {
        using var pretrained = TinyBert.Checkpoint();
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            pretrained.CreateAlterModel(ThreeTasks, new MtaOptions { Layers = new[] { 5 } })).Message, "layer 5");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() =>
            pretrained.CreateAlterModel(new[] { new TaskSpec("only", new[] { "yes" }) })).Message, "single label");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            pretrained.CreateAlterModel(ThreeTasks, new MtaOptions { Temperature = 0 })).Message, "temperature");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            pretrained.CreateAlterModel(ThreeTasks, new MtaOptions { DefaultLayerCount = -1 })).Message, "MTA layers cannot be negative");
    }

    private static void AssertEncoderMatchesPretrained(AlterModel model, Checkpoints.PretrainedCheckpoint pretrained, float tolerance)
    {
        using var plain = pretrained.CreateModel();
        plain.eval();
        model.eval();
        var tokenizer = model.Tokenizer;
        using var _ = no_grad();
        using var batch = TokenBatch.Create(new[] { tokenizer.Encode("the movie was great"), tokenizer.Encode("who won the match", "the team") });
        using var tasks = tensor(new long[] { 1, 0 });
        using var expected = plain.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
        using var actual = model.Bert.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, tasks);
        var worst = (expected - actual).abs().max().item<float>();
        Assert.IsTrue(worst <= tolerance, $"max difference {worst} > {tolerance}");
    }
}
