using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>The learning-rate schedule, the learning rate of each parameter group, and which parameters decay.</summary>
[TestClass]
public sealed class ScheduleTests
{
    [TestMethod]
    public void WarmupThenLinearDecayMatchesHandComputedFactors()
    {
        // 10 steps, 20% warm-up = 2 steps: 1/3, 2/3, then (10 - s) / 8 from step 2 down to 1/8 at step 9, 0 after.
        var schedule = LearningRateSchedule.For(10, 0.2);
        Assert.AreEqual(2, schedule.WarmupSteps);
        var expected = new[] { 1 / 3.0, 2 / 3.0, 8 / 8.0, 7 / 8.0, 6 / 8.0, 5 / 8.0, 4 / 8.0, 3 / 8.0, 2 / 8.0, 1 / 8.0, 0 };
        for (var step = 0; step < expected.Length; step++)
            Assert.AreEqual(expected[step], schedule.Factor(step), 1e-12, $"step {step}");

        // No warm-up: the first step is at the peak.
        var flat = LearningRateSchedule.For(4, 0);
        CollectionAssert.AreEqual(new[] { 1, 0.75, 0.5, 0.25 }, Enumerable.Range(0, 4).Select(flat.Factor).ToArray());
        // The warm-up length rounds to the nearest step (50 × 0.06 = 3; 40 × 0.06 = 2.4 → 2).
        Assert.AreEqual(3, LearningRateSchedule.For(50, 0.06).WarmupSteps);
        Assert.AreEqual(2, LearningRateSchedule.For(40, 0.06).WarmupSteps);
        // All warm-up: one step of a one-step stage runs at half the peak.
        Assert.AreEqual(0.5, LearningRateSchedule.For(1, 1).Factor(0), 1e-12);
    }

    [TestMethod]
    public void MatricesDecayAndVectorsDoNotEachGroupKeepingItsLearningRate()
    {
        using var pretrained = TinyBert.Checkpoint();
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(SyntheticTasks.ThreeTasks(4, 1)), new MtaOptions { Layers = new[] { 1 } }, 32);
        var heads = model.Heads.SelectMany(h => h.parameters()).ToList();
        var encoder = model.parameters().Where(p => !heads.Contains(p)).ToList();
        var split = OptimizerGroups.Split(new[] { new ParameterGroup(encoder, 1e-4), new ParameterGroup(heads, 1e-2) }, 0.05);

        Assert.AreEqual(4, split.Count);
        var names = model.named_parameters().ToDictionary(p => p.parameter, p => p.name);
        void Check(int index, IEnumerable<Parameter> source, double rate, bool matrices)
        {
            var (parameters, learningRate, decay) = split[index];
            Assert.AreEqual(rate, learningRate);
            Assert.AreEqual(matrices ? 0.05 : 0.0, decay);
            CollectionAssert.AreEquivalent(source.Where(p => p.dim() >= 2 == matrices).ToList(), parameters.ToList());
            foreach (var p in parameters)
                Assert.AreEqual(matrices, p.dim() >= 2, names[p]);
        }
        Check(0, encoder, 1e-4, matrices: true);
        Check(1, encoder, 1e-4, matrices: false);
        Check(2, heads, 1e-2, matrices: true);
        Check(3, heads, 1e-2, matrices: false);
        // The undecayed half holds what must not shrink: LayerNorm scales, biases and the selector logits.
        var undecayed = split[1].Parameters.Select(p => names[p]).ToList();
        CollectionAssert.Contains(undecayed, "bert.embeddings.LayerNorm.weight");
        CollectionAssert.Contains(undecayed, "bert.encoder.layer.1.mta.selector.logits.0");
        Assert.IsTrue(split[0].Parameters.Select(p => names[p]).Contains("bert.embeddings.word_embeddings.weight"));
        // A group with no matrices gives one optimizer group, not an empty one.
        Assert.AreEqual(1, OptimizerGroups.Split(new[] { new ParameterGroup(encoder.Where(p => p.dim() == 1).ToList(), 1e-3) }, 0.05).Count);
    }

    /// <summary>
    /// Checked through what the optimizer did: on AdamW's first step an element with gradient g moves by
    /// lr·g/(|g| + 1e-8) ≈ lr (so the largest move of a vector equals its group's learning rate), and an element with
    /// no gradient moves only by the decay, to p·(1 − lr·decay).
    /// </summary>
    [TestMethod]
    public void TheTrainerRunsEachGroupAtItsScheduledRateAndDecaysOnlyMatrices()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(8, 1);
        foreach (var (warmup, factor) in new[] { (0.0, 1.0), (1.0, 0.5) })
        {
            using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), new MtaOptions { Layers = new[] { 1 } }, 32, seed: 3);
            var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            // One step: every row in one batch, one epoch.
            var options = new AlterTrainingOptions
            {
                Stage1 = new StageOptions { Epochs = 1, LearningRate = 2e-3, HeadLearningRate = 3e-2 },
                BatchSize = train.Count, WarmupFraction = warmup, WeightDecay = 0.25, MaxGradNorm = 1.0,
            };
            new AlterTrainer(options).TrainStage1(model, train, null);
            var after = model.state_dict();
            double MaxMove(string key) => (after[key] - before[key]).abs().max().item<float>();

            Assert.AreEqual(2e-3 * factor, MaxMove("bert.encoder.layer.0.output.dense.bias"), 2e-3 * factor * 1e-3, $"encoder bias, warm-up {warmup}");
            Assert.AreEqual(2e-3 * factor, MaxMove("bert.embeddings.LayerNorm.weight"), 2e-3 * factor * 1e-3, "LayerNorm scale");
            Assert.AreEqual(3e-2 * factor, MaxMove("heads.0.dense.bias"), 3e-2 * factor * 1e-3, "head bias");
            Assert.AreEqual(3e-2 * factor, MaxMove("heads.2.dense.bias"), 3e-2 * factor * 1e-3, "another head's bias");
            // (The selector logits, in the head group too, get no gradient yet: identical experts make the mixture
            // independent of its weights until the experts differ.)

            // Word-embedding rows of tokens absent from the batch have no gradient: only the decay moves them.
            var used = train.SelectMany(r => model.Tokenizer.Encode(r.Text, r.Text2).InputIds).Select(i => (long)i).ToHashSet();
            var unused = Enumerable.Range(0, TinyBert.Words.Length).Select(i => (long)i).Where(i => !used.Contains(i)).ToArray();
            Assert.IsTrue(unused.Length > 5);
            using var rows = tensor(unused);
            var oldRows = before["bert.embeddings.word_embeddings.weight"].index_select(0, rows);
            var newRows = after["bert.embeddings.word_embeddings.weight"].index_select(0, rows);
            var shrink = 1 - 2e-3 * factor * 0.25;
            Assert.IsTrue(newRows.allclose(oldRows * shrink, 1e-7, 1e-7), $"unused embedding rows decay to p·{shrink}");
            Assert.IsFalse(newRows.allclose(oldRows, 1e-7, 1e-7));
        }
    }
}
