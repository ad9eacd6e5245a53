using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests;

[TestClass]
public sealed class AlterTrainingTests
{
    // Tiny random encoder: it learns from scratch, so it gets a larger learning rate than a pretrained one would.
    internal static readonly AlterTrainingOptions TinyOptions = new()
    {
        Stage1 = new StageOptions { Epochs = 2, LearningRate = 1e-3, HeadLearningRate = 3e-3 },
        Stage2 = new StageOptions { Epochs = 1, LearningRate = 1e-3, HeadLearningRate = 3e-3 },
        AddTask = new StageOptions { Epochs = 2, LearningRate = 0, HeadLearningRate = 1e-2 },
        BatchSize = 16,
        Seed = 5,
    };

    private static readonly MtaOptions TinyMta = new() { Layers = new[] { 1 } };

    private static (AlterModel Model, StageResult Result) TrainTiny(PretrainedCheckpoint pretrained, List<LabeledExample> train, List<LabeledExample>? dev = null,
        AlterTrainingOptions? options = null, IProgress<TrainingProgress>? progress = null)
        => new AlterTrainer(options ?? TinyOptions, progress).CreateAndTrainStage1(pretrained, train, dev, TinyMta, maxLength: 32);

    // Three tests start from the same stage-1 model (TinyBert, ThreeTasks(40, 3), TinyOptions): it is trained once and
    // each test gets its own copy, loaded from the saved bytes.
    private static readonly List<LabeledExample> SharedTrain = SyntheticTasks.ThreeTasks(perTask: 40, seed: 3);

    private static readonly Lazy<(PretrainedCheckpoint Pretrained, byte[] Saved, StageResult Result)> SharedStage1 = new(() =>
    {
        var pretrained = TinyBert.Checkpoint();
        var (model, result) = TrainTiny(pretrained, SharedTrain);
        using (model)
        {
            using var stream = new MemoryStream();
            AlterModelStore.Save(model, stream);
            return (pretrained, stream.ToArray(), result);
        }
    });

    /// <summary>A copy of the shared stage-1 model, for the caller to change and dispose.</summary>
    private static AlterModel SharedStage1Copy() => AlterModelStore.Load(new MemoryStream(SharedStage1.Value.Saved));

    private static List<TaskInput> Inputs(IEnumerable<LabeledExample> rows) => rows.Select(r => new TaskInput(r.Task, r.Text, r.Text2)).ToList();

    [TestMethod]
    public void SameSeedSameDataGivesIdenticalWeightsAndLosses()
    {
        var pretrained = SharedStage1.Value.Pretrained;
        var train = SharedTrain;
        var first = SharedStage1Copy();
        var firstResult = SharedStage1.Value.Result;
        var (second, secondResult) = TrainTiny(pretrained, train);
        using (first)
        using (second)
        {
            CollectionAssert.AreEqual(firstResult.EpochLosses.ToArray(), secondResult.EpochLosses.ToArray());
            var a = first.state_dict();
            var b = second.state_dict();
            CollectionAssert.AreEqual(a.Keys.ToArray(), b.Keys.ToArray());
            foreach (var key in a.Keys)
                Assert.IsTrue(a[key].equal(b[key]).all().item<bool>(), key);
            Assert.IsFalse(a["heads.0.dense.weight"].equal(pretrainedHeadStart(pretrained)).all().item<bool>(), "training changed the heads");
        }

        static Tensor pretrainedHeadStart(PretrainedCheckpoint p)
        {
            using var fresh = p.CreateAlterModel(TaskSpec.FromExamples(SyntheticTasks.ThreeTasks(5, 3)), TinyMta, 32, seed: 5);
            return fresh.state_dict()["heads.0.dense.weight"].clone();
        }
    }

    [TestMethod]
    public void StageTwoTrainsOnlyGateSharedExpertsAndHeads()
    {
        var train = SharedTrain;
        using (var model = SharedStage1Copy())
        {
            var stage1 = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            // Add the stage-2 parts first (TrainStage2 would), so their starting values can be compared too.
            model.AddStage2(1);
            var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
            var added = before.Keys.Except(stage1.Keys).ToList();
            Assert.IsTrue(added.Any(k => k.Contains(".mta.gate.")) && added.Any(k => k.Contains(".mta.shared.0.")), string.Join(", ", added));
            Assert.IsTrue(added.All(k => k.Contains(".mta.gate.") || k.Contains(".mta.shared.")), string.Join(", ", added));
            var expertMean = stack(Enumerable.Range(0, model.Config.ExpertCount).Select(e => before[$"bert.encoder.layer.1.mta.experts.{e}.intermediate.dense.weight"])).mean(new long[] { 0 });
            Assert.IsTrue(before["bert.encoder.layer.1.mta.shared.0.intermediate.dense.weight"].allclose(expertMean, 1e-6, 1e-7), "shared experts start as the experts' mean");

            var result = new AlterTrainer(TinyOptions).TrainStage2(model, train, null);
            var after = model.state_dict();
            Assert.AreEqual(before.Count, after.Count, "stage 2 on a model that has its shared experts adds nothing more");
            foreach (var (key, old) in before)
            {
                var same = old.equal(after[key]).all().item<bool>();
                if (key.StartsWith("heads.", StringComparison.Ordinal) || added.Contains(key))
                    Assert.IsFalse(same, $"{key} should train in stage 2 (heads by default, gate and shared experts always)");
                else
                    Assert.IsTrue(same, $"{key} is frozen in stage 2 but changed");
            }
            Assert.IsTrue(result.TrainableParameters < result.TotalParameters / 2, $"{result.TrainableParameters} of {result.TotalParameters}");
            Console.WriteLine($"stage 2 trains {result.TrainableParameters} of {result.TotalParameters} parameters");
        }
    }

    [TestMethod]
    public void WithoutMtaLayersTheModelIsPlainMultiTaskFineTuningAndHasNoStageTwo()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(perTask: 40, seed: 3);
        var (model, result) = new AlterTrainer(TinyOptions).CreateAndTrainStage1(pretrained, train, null, new MtaOptions { Layers = Array.Empty<int>() }, maxLength: 32);
        using (model)
        {
            Assert.AreEqual(0, model.Mixtures.Count);
            Assert.IsFalse(model.state_dict().Keys.Any(k => k.Contains(".mta.", StringComparison.Ordinal)), "no mixture parameters");
            Assert.AreEqual(0, model.ExpertWeights().Length);
            // Encoder and heads all train: the whole model is trainable.
            Assert.AreEqual(result.TotalParameters, result.TrainableParameters);
            Assert.IsTrue(result.EpochLosses[^1] < result.EpochLosses[0], string.Join(", ", result.EpochLosses));
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => new AlterTrainer(TinyOptions).TrainStage2(model, train, null));
            StringAssert.Contains(error.Message, "no MTA layers");
            using var stream = new MemoryStream();
            AlterModelStore.Save(model, stream);
            stream.Position = 0;
            using var loaded = AlterModelStore.Load(stream);
            Assert.AreEqual(0, loaded.Mixtures.Count);
        }
    }

    [TestMethod]
    public void SavedModelLoadsToIdenticalProbabilities()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(perTask: 30, seed: 3).Concat(SyntheticTasks.Paraphrase(30, 4)).ToList();
        var (model, _) = TrainTiny(pretrained, train);
        using (model)
        {
            new AlterTrainer(TinyOptions).TrainStage2(model, train, null);
            var inputs = Inputs(train.Take(50));
            var expected = AlterPredictor.Predict(model, inputs);
            using var stream = new MemoryStream();
            AlterModelStore.Save(model, stream);
            stream.Position = 0;
            using var loaded = AlterModelStore.Load(stream);
            Assert.AreEqual(model.Config.ToJson(), loaded.Config.ToJson());
            var actual = AlterPredictor.Predict(loaded, inputs);
            for (var i = 0; i < inputs.Count; i++)
                CollectionAssert.AreEqual(expected[i].Probabilities, actual[i].Probabilities, $"row {i}");
            CollectionAssert.AreEqual(model.ExpertWeights().SelectMany(l => l.SelectMany(t => t)).ToArray(), loaded.ExpertWeights().SelectMany(l => l.SelectMany(t => t)).ToArray());
        }
    }

    [TestMethod]
    public void DamagedOrForeignStreamsAreRejectedClearly()
    {
        using var pretrained = TinyBert.Checkpoint();
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(SyntheticTasks.ThreeTasks(4, 1)), TinyMta, 32);
        using var stream = new MemoryStream();
        AlterModelStore.Save(model, stream);
        var bytes = stream.ToArray();

        var truncated = Assert.ThrowsExactly<InvalidDataException>(() => AlterModelStore.Load(new MemoryStream(bytes[..(bytes.Length / 2)]), "half.zip"));
        StringAssert.Contains(truncated.Message, "half.zip");
        var notZip = Assert.ThrowsExactly<InvalidDataException>(() => AlterModelStore.Load(new MemoryStream(new byte[] { 1, 2, 3, 4 }), "junk.bin"));
        StringAssert.Contains(notZip.Message, "not an ALTER model");
        // Flip one byte inside the stored weights: the digest catches it.
        var damaged = (byte[])bytes.Clone();
        damaged[bytes.Length / 2] ^= 0x5A;
        var corrupted = Assert.ThrowsExactly<InvalidDataException>(() => AlterModelStore.Load(new MemoryStream(damaged), "flipped.zip"));
        StringAssert.Contains(corrupted.Message, "flipped.zip");
    }

    [TestMethod]
    public void AddingATaskTrainsOnlyItsSelectorAndHeadAndLeavesTheOtherTasksBitIdentical()
    {
        var train = SharedTrain;
        using (var model = SharedStage1Copy())
        {
            new AlterTrainer(TinyOptions).TrainStage2(model, train, null);
            var inputs = Inputs(train);
            var before = AlterPredictor.Predict(model, inputs);
            var weightsBefore = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

            var newTrain = SyntheticTasks.Paraphrase(80, 9);
            var newDev = SyntheticTasks.Paraphrase(40, 10);
            var result = new AlterTrainer(TinyOptions).AddTask(model, "paraphrase", newTrain, newDev);

            Assert.AreEqual(4, model.Tasks.Count);
            var after = AlterPredictor.Predict(model, inputs);
            for (var i = 0; i < inputs.Count; i++)
                CollectionAssert.AreEqual(before[i].Probabilities, after[i].Probabilities, $"row {i} of task {inputs[i].Task}");
            foreach (var (key, old) in weightsBefore)
                Assert.IsTrue(old.equal(model.state_dict()[key]).all().item<bool>(), $"{key} changed while adding a task");
            Assert.IsTrue(result.TrainableParameters < 200, $"only the new selector logits and head train: {result.TrainableParameters}");
            Assert.AreEqual(1, result.DevAccuracy.Count);
            Console.WriteLine($"new task dev accuracy {result.DevAccuracy["paraphrase"]:F3}, trainable {result.TrainableParameters}");

            // The added task survives a save/load round trip.
            using var stream = new MemoryStream();
            AlterModelStore.Save(model, stream);
            stream.Position = 0;
            using var loaded = AlterModelStore.Load(stream);
            var all = Inputs(train.Concat(newDev));
            var expected = AlterPredictor.Predict(model, all);
            var actual = AlterPredictor.Predict(loaded, all);
            for (var i = 0; i < all.Count; i++)
                CollectionAssert.AreEqual(expected[i].Probabilities, actual[i].Probabilities);
        }
    }

    [TestMethod]
    public void ProgressReportsEpochsWithValidationAccuracy()
    {
        using var pretrained = TinyBert.Checkpoint();
        var reports = new List<TrainingProgress>();
        var (model, result) = TrainTiny(pretrained, SyntheticTasks.ThreeTasks(40, 3), SyntheticTasks.ThreeTasks(10, 50),
            TinyOptions with { ProgressInterval = 2 }, new SynchronousProgress(reports.Add));
        model.Dispose();
        var ends = reports.Where(r => r.DevAccuracy is not null).ToList();
        Assert.AreEqual(2, ends.Count);
        CollectionAssert.AreEquivalent(new[] { "question", "sentiment", "topic" }, ends[0].DevAccuracy!.Keys.ToArray());
        Assert.IsTrue(reports.Any(r => r.DevAccuracy is null && r.Step > 0), "step reports between epoch ends");
        Assert.AreEqual(2, result.EpochLosses.Count);
    }

    [TestMethod]
    public void ThePerStepHookRunsBeforeEveryStepAndCanStopTraining()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(20, 3);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), TinyMta, 32);
        var calls = 0;
        var result = new AlterTrainer(TinyOptions, beforeEachStep: () => calls++).TrainStage1(model, train, null);
        var stepsPerEpoch = (train.Count + TinyOptions.BatchSize - 1) / TinyOptions.BatchSize;
        Assert.AreEqual(result.EpochsRun * stepsPerEpoch, calls, "once before every step");

        var stopAt = 3;
        var stopped = 0;
        Assert.ThrowsExactly<OperationCanceledException>(() => new AlterTrainer(TinyOptions, beforeEachStep: () =>
        {
            if (++stopped == stopAt)
                throw new OperationCanceledException();
        }).TrainStage1(model, train, null));
        Assert.AreEqual(stopAt, stopped, "no step after the hook threw");
        Assert.IsTrue(model.parameters().All(p => p.requires_grad), "parameters are unfrozen again");
        Assert.IsFalse(model.training, "left in eval mode");
    }

    [TestMethod]
    public void CancellationKeepsTheBestEpochSeenAndLeavesAUsableModel()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(40, 3);
        var dev = SyntheticTasks.ThreeTasks(10, 50);
        using var cancel = new CancellationTokenSource();
        var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), TinyMta, 32);
        using (model)
        {
            Dictionary<string, Tensor>? firstEpoch = null;
            var progress = new SynchronousProgress(p =>
            {
                if (p.Epoch == 1 && p.DevAccuracy is not null)
                    firstEpoch = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
                if (p.Epoch == 2 && p.Step >= 2)
                    cancel.Cancel();
            });
            var options = TinyOptions with { ProgressInterval = 1, Stage1 = TinyOptions.Stage1 with { Epochs = 3 } };
            Assert.ThrowsExactly<OperationCanceledException>(() => new AlterTrainer(options, progress).TrainStage1(model, train, dev, cancel.Token));

            // Cancelled two steps into epoch 2: the weights are epoch 1's, the only (so the best) epoch validated.
            Assert.IsNotNull(firstEpoch);
            var state = model.state_dict();
            foreach (var (key, value) in firstEpoch)
                Assert.IsTrue(value.equal(state[key]).all().item<bool>(), $"{key} is epoch 1's");
            Assert.IsTrue(model.parameters().All(p => p.requires_grad), "parameters are unfrozen again");
            Assert.IsFalse(model.training, "left in eval mode");
            // It scores exactly as a fresh model given epoch 1's weights: nothing else (mode, routes, buffers) was left
            // half-way through a step.
            var predictions = AlterPredictor.Predict(model, Inputs(dev));
            using (var reference = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), TinyMta, 32))
            {
                reference.load_state_dict(firstEpoch);
                var expected = AlterPredictor.Predict(reference, Inputs(dev));
                for (var i = 0; i < dev.Count; i++)
                    CollectionAssert.AreEqual(expected[i].Probabilities, predictions[i].Probabilities, $"row {i}");
            }
            // Usable also means trainable again: a new stage 1 runs on it and lowers its loss.
            var resumed = new AlterTrainer(TinyOptions).TrainStage1(model, train, null);
            Assert.AreEqual(TinyOptions.Stage1.Epochs, resumed.EpochsRun);
            Assert.IsTrue(resumed.EpochLosses[^1] < resumed.EpochLosses[0], string.Join(", ", resumed.EpochLosses));
        }
    }

    [TestMethod]
    public void BadInputIsRejectedNamingTheProblem()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(20, 3);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), TinyMta, 32);
        var trainer = new AlterTrainer(TinyOptions);

        var unknown = Assert.ThrowsExactly<ArgumentException>(() => AlterPredictor.Predict(model, new[] { new TaskInput("weather", "rain today") }));
        StringAssert.Contains(unknown.Message, "'weather'");
        StringAssert.Contains(unknown.Message, "'sentiment'");

        var unseen = new List<LabeledExample> { new("sentiment", "the movie was fun", null, "neutral") };
        var label = Assert.ThrowsExactly<ArgumentException>(() => trainer.TrainStage1(model, train, unseen));
        StringAssert.Contains(label.Message, "'neutral'");
        StringAssert.Contains(label.Message, "'sentiment'");

        var single = SyntheticTasks.Sentiment(10, 1).Select(r => r with { Label = "positive" }).ToList();
        var oneLabel = Assert.ThrowsExactly<ArgumentException>(() => TaskSpec.FromExamples(single));
        StringAssert.Contains(oneLabel.Message, "single label");

        var empty = train.Append(new LabeledExample("topic", "  ", null, "money")).ToList();
        var blank = Assert.ThrowsExactly<ArgumentException>(() => trainer.TrainStage1(model, empty, null));
        StringAssert.Contains(blank.Message, $"row {train.Count}");
        StringAssert.Contains(blank.Message, "empty text");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => AlterPredictor.Predict(model, new[] { new TaskInput("topic", "") })).Message, "empty text");
    }

    /// <summary>The core trainer takes the ML.NET layer's bad-row policy: skipped rows are counted, and train as if absent.</summary>
    [TestMethod]
    public void BadRowsCanBeSkippedInTheCoreAsInMLNet()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(20, 3);
        var bad = new List<LabeledExample>
        {
            new("topic", "  ", null, "money"),
            new(" ", "a text without a task", null, "money"),
            new("topic", "\u200B", "second text", "sports"),
            new("sentiment", "a text without a label", null, ""),
        };
        var dirty = train.Take(10).Concat(bad).Concat(train.Skip(10)).ToList();
        var dev = SyntheticTasks.ThreeTasks(5, 9);
        var skip = TinyOptions with { BadRows = BadRowHandling.Skip };

        var (clean, cleanResult) = new AlterTrainer(skip).CreateAndTrainStage1(pretrained, train, dev, TinyMta, maxLength: 32);
        var (skipped, skippedResult) = new AlterTrainer(skip).CreateAndTrainStage1(pretrained, dirty, dev.Append(bad[0]).ToList(), TinyMta, maxLength: 32);
        using (clean)
        using (skipped)
        {
            Assert.AreEqual(0, cleanResult.SkippedRows);
            Assert.AreEqual(bad.Count + 1, skippedResult.SkippedRows, "four training rows and one validation row");
            CollectionAssert.AreEqual(cleanResult.EpochLosses.ToList(), skippedResult.EpochLosses.ToList(), "the bad rows train as if absent");
            CollectionAssert.AreEqual(clean.Tasks.ToList(), skipped.Tasks.ToList(), "no task or label comes from a bad row");
        }
        var error = Assert.ThrowsExactly<ArgumentException>(() => new AlterTrainer(TinyOptions).CreateAndTrainStage1(pretrained, dirty, null, TinyMta, maxLength: 32));
        StringAssert.Contains(error.Message, "training row 10 (task 'topic') has an empty text");
        StringAssert.Contains(error.Message, "BadRows = Skip");
    }
}
