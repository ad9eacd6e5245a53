using System.IO.Compression;
using System.Text.Json.Nodes;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.Alter.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests;

/// <summary>Top-k task routing (<see cref="MtaOptions.ExpertsPerTask"/>) and the mixture's grouped execution.</summary>
[TestClass]
public sealed class TaskRoutingTests
{
    private static AlterTrainingOptions TinyOptions => AlterTrainingTests.TinyOptions;

    /// <summary>Sentiment, topic, question and a sentence-pair task, rows of different lengths (padded batches).</summary>
    private static List<LabeledExample> FourTasks(int perTask, int seed)
        => SyntheticTasks.ThreeTasks(perTask, seed).Concat(SyntheticTasks.Paraphrase(perTask, seed + 3)).ToList();

    [TestMethod]
    [DataRow(1, 2, DisplayName = "stage 1, k = 2")]
    [DataRow(1, 1, DisplayName = "stage 1, k = 1")]
    [DataRow(2, 2, DisplayName = "stage 2, k = 2")]
    [DataRow(2, 3, DisplayName = "stage 2, k = 3")]
    public void RoutedForwardAndGradientsEqualTheDenseFormulaWithUnroutedWeightsZeroed(int stage, int k)
    {
        using var pretrained = TinyBert.Checkpoint();
        var rows = FourTasks(3, 11);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(rows), new MtaOptions { Layers = new[] { 0, 1 }, ExpertsPerTask = k }, 32, seed: 3);
        if (stage == 2)
            model.AddStage2(1);
        Perturb(model);
        model.eval();
        var encoded = EncodedRows.FromExamples(model, rows, "test");
        using var batch = TokenBatch.Create(encoded.Inputs, model.Tokenizer.PaddingId);
        Assert.IsTrue(encoded.Inputs.Select(i => i.Length).Distinct().Count() > 1, "the batch is padded");

        var (routedLoss, routedPooled, routedGrads) = LossAndGradients(model, batch, encoded);

        // The dense reference: no routes, every expert on every row, and the unrouted experts' logits pushed so low
        // that softmax gives them exactly 0 (so the routed experts' weights renormalise among themselves).
        var selectors = model.Mixtures.Select(m => m.Selector).ToList();
        var routes = selectors.Select(s => Enumerable.Range(0, s.TaskCount).Select(t => s.RouteOf(t)!.ToArray()).ToList()).ToList();
        using (no_grad())
            for (var l = 0; l < selectors.Count; l++)
                for (var t = 0; t < selectors[l].TaskCount; t++)
                {
                    Assert.AreEqual(k, routes[l][t].Length);
                    selectors[l].SetRoute(t, null);
                    for (var e = 0; e < selectors[l].ExpertCount; e++)
                        if (!routes[l][t].Contains(e))
                            selectors[l].LogitsOf(t)[e].fill_(-1e4f);
                }
        foreach (var layer in model.ExpertWeights())
            Assert.IsTrue(layer.SelectMany(w => w).Count(w => w == 0) == layer.Length * (layer[0].Length - k), "the reference zeroes exactly the unrouted weights");
        var (denseLoss, densePooled, denseGrads) = LossAndGradients(model, batch, encoded);

        Assert.AreEqual(denseLoss, routedLoss, 1e-5);
        AssertClose(densePooled, routedPooled, 1e-5f, "pooled vectors");
        CollectionAssert.AreEquivalent(denseGrads.Keys.ToArray(), routedGrads.Keys.ToArray());
        foreach (var (name, dense) in denseGrads)
        {
            var routed = routedGrads[name];
            if (name.Contains(".selector.", StringComparison.Ordinal))
                continue; // the reference's logits differ (pushed down); their gradients are compared below
            if (routed is null)
                Assert.IsTrue(dense is null || dense.abs().max().item<float>() == 0, $"{name}: the routed model never ran it, so the dense reference's gradient must be exactly 0");
            else
                AssertClose(dense!, routed, 1e-5f, name);
        }
        foreach (var (name, dense) in denseGrads.Where(g => g.Key.Contains(".selector.", StringComparison.Ordinal)))
            AssertClose(dense!, routedGrads[name]!, 1e-5f, name);
    }

    [TestMethod]
    public void RowsOfATaskNeverReachAnExpertOutsideItsRoute()
    {
        using var pretrained = TinyBert.Checkpoint();
        var rows = FourTasks(4, 21);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(rows), new MtaOptions { Layers = new[] { 0, 1 }, ExpertsPerTask = 2 }, 32, seed: 3);
        model.AddStage2(1);
        Perturb(model);
        model.train();
        var topic = model.TaskIndex("topic");
        var own = rows.Where(r => r.Task == "topic").ToList();
        var encoded = EncodedRows.FromExamples(model, own, "test");
        using var batch = TokenBatch.Create(encoded.Inputs, model.Tokenizer.PaddingId);
        var (_, _, grads) = LossAndGradients(model, batch, encoded);

        foreach (var (mixture, layer) in model.Mixtures.Zip(model.Config.MtaLayers))
        {
            var route = mixture.Selector.RouteOf(topic)!;
            CollectionAssert.AreEqual(new[] { topic, topic + 1 }, route.ToArray(), "fixed from the start: the prior's pair");
            for (var e = 0; e < mixture.ExpertCount; e++)
                foreach (var (name, grad) in grads.Where(g => g.Key.StartsWith($"bert.encoder.layer.{layer}.mta.experts.{e}.", StringComparison.Ordinal)))
                {
                    // No gradient at all (not even zeros): the expert never took part in the step's computation.
                    if (route.Contains(e))
                        Assert.IsTrue(grad is not null && grad.abs().max().item<float>() > 0, $"{name}: a routed expert learns from the task's rows");
                    else
                        Assert.IsNull(grad, $"{name}: expert {e} is outside topic's route [{string.Join(", ", route)}] but ran");
                }
            Assert.IsTrue(grads.Where(g => g.Key.StartsWith($"bert.encoder.layer.{layer}.mta.shared.", StringComparison.Ordinal)).All(g => g.Value!.abs().max().item<float>() > 0),
                "stage 2's shared experts run on every row");
        }
    }

    [TestMethod]
    public void RoutesChosenAfterTheWarmUpAreDeterministicSavedAndShownAsZeroWeights()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(perTask: 24, seed: 3);
        var mta = new MtaOptions { Layers = new[] { 1 }, ExpertsPerTask = 2, RouteWarmupFraction = 0.5 };
        var trainer = new AlterTrainer(TinyOptions);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), mta, 32, TinyOptions.Seed);
        Assert.IsTrue(model.HasUnchosenRoutes, "dense during the warm-up");
        Assert.IsTrue(model.ExpertWeights().SelectMany(l => l).SelectMany(w => w).All(w => w > 0));
        trainer.TrainStage1(model, train, null);
        var (twin, _) = trainer.CreateAndTrainStage1(pretrained, train, null, mta, 32);
        using (twin)
        {
            Assert.IsFalse(model.HasUnchosenRoutes);
            var weights = model.ExpertWeights();
            foreach (var task in weights.SelectMany(l => l))
            {
                Assert.AreEqual(2, task.Count(w => w > 0), "k experts weighted");
                Assert.AreEqual(1.0, task.Sum(), 1e-6, "renormalised");
            }
            CollectionAssert.AreEqual(model.Config.Routes!.SelectMany(l => l).SelectMany(r => r).ToArray(), twin.Config.Routes!.SelectMany(l => l).SelectMany(r => r).ToArray(), "same seed, same routes");
            var a = model.state_dict();
            var b = twin.state_dict();
            foreach (var key in a.Keys)
                Assert.IsTrue(a[key].equal(b[key]).all().item<bool>(), key);

            trainer.TrainStage2(model, train, null);
            using var stream = new MemoryStream();
            AlterModelStore.Save(model, stream);
            stream.Position = 0;
            using var loaded = AlterModelStore.Load(stream);
            for (var t = 0; t < model.Tasks.Count; t++)
                CollectionAssert.AreEqual(model.Mixtures[0].Selector.RouteOf(t)!.ToArray(), loaded.Mixtures[0].Selector.RouteOf(t)!.ToArray());
            var inputs = train.Select(r => new TaskInput(r.Task, r.Text, r.Text2)).ToList();
            var expected = AlterPredictor.Predict(model, inputs);
            var actual = AlterPredictor.Predict(loaded, inputs);
            for (var i = 0; i < inputs.Count; i++)
                CollectionAssert.AreEqual(expected[i].Probabilities, actual[i].Probabilities, $"row {i}");
        }
    }

    [TestMethod]
    public void AddingATaskToARoutedModelRoutesItAndKeepsTheOtherTasksBitIdentical()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(perTask: 24, seed: 3);
        var trainer = new AlterTrainer(TinyOptions);
        // Warm-up 1: dense for all of a stage, pruned to the top k at its end.
        var (model, _) = trainer.CreateAndTrainStage1(pretrained, train, null, new MtaOptions { Layers = new[] { 1 }, ExpertsPerTask = 2, RouteWarmupFraction = 1 }, 32);
        using (model)
        {
            var inputs = train.Select(r => new TaskInput(r.Task, r.Text, r.Text2)).ToList();
            var before = AlterPredictor.Predict(model, inputs);
            var routesBefore = model.Config.Routes!.Select(l => l.Select(r => r.ToArray()).ToArray()).ToArray();
            trainer.AddTask(model, "paraphrase", SyntheticTasks.Paraphrase(24, 9), null);

            var after = AlterPredictor.Predict(model, inputs);
            for (var i = 0; i < inputs.Count; i++)
                CollectionAssert.AreEqual(before[i].Probabilities, after[i].Probabilities, $"row {i} of task {inputs[i].Task}");
            var selector = model.Mixtures[0].Selector;
            for (var t = 0; t < 3; t++)
            {
                CollectionAssert.AreEqual(selector.TopExperts(t, 2), routesBefore[0][t], "pruned to the top k at the end of stage 1");
                CollectionAssert.AreEqual(routesBefore[0][t], model.Config.Routes![0][t]);
            }
            // The rule: a dense pass of its own (the warm-up fraction of its training, here all of it), then its top k.
            var added = model.TaskIndex("paraphrase");
            CollectionAssert.AreEqual(selector.TopExperts(added, 2), selector.RouteOf(added)!.ToArray());
            CollectionAssert.AreEqual(selector.RouteOf(added)!.ToArray(), model.Config.Routes![0][added]);
        }
    }

    [TestMethod]
    public void RoutesAreChosenAtTheWarmUpsLastStepNotAtTheEndOfTheStage()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(perTask: 16, seed: 3);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), new MtaOptions { Layers = new[] { 1 }, ExpertsPerTask = 2, RouteWarmupFraction = 0.5 }, 32, TinyOptions.Seed);
        // Reported on the training thread after each step: whether routes were still to choose at that point.
        var unchosen = new List<(int Epoch, int Step, bool Unchosen)>();
        var options = TinyOptions with { Stage1 = TinyOptions.Stage1 with { Epochs = 2 }, ProgressInterval = 1 };
        new AlterTrainer(options, new SynchronousProgress(p => unchosen.Add((p.Epoch, p.Step, model.HasUnchosenRoutes)))).TrainStage1(model, train, null);

        // 48 rows, batch 16: 3 steps an epoch, 6 in all; routes are chosen before step 4 (warm-up 0.5 = 3 steps).
        var steps = unchosen.Where(u => u.Step < 3).ToList();
        CollectionAssert.AreEqual(new[] { (1, 1, true), (1, 2, true), (2, 1, false), (2, 2, false) }, steps);
    }

    [TestMethod]
    public void AModelSavedBeforeRoutingExistedLoadsDense()
    {
        using var pretrained = TinyBert.Checkpoint();
        var rows = SyntheticTasks.ThreeTasks(4, 1);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(rows), new MtaOptions { Layers = new[] { 1 } }, 32);
        using var saved = new MemoryStream();
        AlterModelStore.Save(model, saved);

        // Rewrite alter.json without the fields routing added, as an older version wrote it.
        using var old = new MemoryStream(saved.ToArray());
        using (var zip = new ZipArchive(old, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry("alter.json")!;
            JsonNode header;
            using (var reader = new StreamReader(entry.Open()))
                header = JsonNode.Parse(reader.ReadToEnd())!;
            var config = header["model"]!.AsObject();
            Assert.IsTrue(config.Remove("Routes"));
            Assert.IsTrue(config["Mta"]!.AsObject().Remove("ExpertsPerTask"));
            Assert.IsTrue(config["Mta"]!.AsObject().Remove("RouteWarmupFraction"));
            // Versions before routing wrote format 1: a digest of the weights only.
            header["format"] = 1;
            Assert.IsTrue(header.AsObject().Remove("vocab_sha256"));
            Assert.IsTrue(header.AsObject().Remove("model_sha256"));
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("alter.json").Open());
            writer.Write(header.ToJsonString());
        }
        old.Position = 0;
        using var loaded = AlterModelStore.Load(old);
        Assert.IsFalse(loaded.Config.Mta.IsRouted);
        Assert.IsNull(loaded.Config.Routes);
        Assert.IsTrue(Enumerable.Range(0, 3).All(t => loaded.Mixtures[0].Selector.RouteOf(t) is null));
        var inputs = rows.Select(r => new TaskInput(r.Task, r.Text, r.Text2)).ToList();
        var expected = AlterPredictor.Predict(model, inputs);
        var actual = AlterPredictor.Predict(loaded, inputs);
        for (var i = 0; i < inputs.Count; i++)
            CollectionAssert.AreEqual(expected[i].Probabilities, actual[i].Probabilities);
    }

    [TestMethod]
    public void ABadExpertsPerTaskFailsNamingTheOption()
    {
        using var pretrained = TinyBert.Checkpoint();
        var tasks = TaskSpec.FromExamples(SyntheticTasks.ThreeTasks(4, 1));
        var negative = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pretrained.CreateAlterModel(tasks, new MtaOptions { Layers = new[] { 1 }, ExpertsPerTask = -1 }));
        Assert.AreEqual(nameof(MtaOptions.ExpertsPerTask), negative.ParamName);
        StringAssert.Contains(negative.Message, "ExpertsPerTask cannot be negative");
        var tooMany = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => pretrained.CreateAlterModel(tasks, new MtaOptions { Layers = new[] { 1 }, ExpertsPerTask = 5 }));
        Assert.AreEqual(nameof(MtaOptions.ExpertsPerTask), tooMany.ParamName);
        StringAssert.Contains(tooMany.Message, "ExpertsPerTask is 5 but each mixture has only 4 experts");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            pretrained.CreateAlterModel(tasks, new MtaOptions { ExpertsPerTask = 2, RouteWarmupFraction = 1.5 })).Message, "RouteWarmupFraction");
        // The ML.NET options carry the option to the core and fail the same way, before any data is read.
        var ml = new MLContext(seed: 1);
        var estimatorError = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() =>
            ml.MulticlassClassification.Trainers.Alter(new Microsoft.ML.Alter.MLNet.AlterEstimator.Options { ExpertsPerTask = -2 }));
        Assert.AreEqual(nameof(MtaOptions.ExpertsPerTask), estimatorError.ParamName);
        Assert.AreEqual(2, new Microsoft.ML.Alter.MLNet.AlterEstimator.Options { ExpertsPerTask = 2 }.ToMtaOptions().ExpertsPerTask);
        using var dense = pretrained.CreateAlterModel(tasks, new MtaOptions { Layers = new[] { 1 }, ExpertsPerTask = 0 });
        Assert.IsFalse(dense.Config.Mta.IsRouted, "0 is the dense mixture");
        Assert.IsNull(dense.Config.Routes);
    }

    /// <summary>Experts start as identical copies; noise makes them differ so that routing changes the output.</summary>
    private static void Perturb(AlterModel model)
    {
        using var _ = no_grad();
        manual_seed(17);
        foreach (var mixture in model.Mixtures)
            foreach (var parameter in mixture.Experts.SelectMany(e => e.parameters()).Concat(mixture.SharedExpertParameters()))
                parameter.add_(randn_like(parameter) * 0.05);
        for (var l = 0; l < model.Mixtures.Count; l++)
            for (var t = 0; t < model.Tasks.Count; t++)
                model.Mixtures[l].Selector.LogitsOf(t).add_(randn_like(model.Mixtures[l].Selector.LogitsOf(t)) * 0.05);
    }

    private static (double Loss, Tensor Pooled, Dictionary<string, Tensor?> Gradients) LossAndGradients(AlterModel model, TokenBatch batch, EncodedRows rows)
    {
        model.zero_grad();
        foreach (var p in model.parameters())
            p.grad = null;
        using var taskIds = tensor(rows.Tasks.Select(t => (long)t).ToArray());
        using var pooled = model.Pooled(batch, taskIds);
        using var loss = MultiTaskLoss.Mean(model, batch, rows.Tasks, rows.Labels);
        loss.backward();
        var gradients = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad is { } g ? g.detach().clone() : null);
        return (loss.item<float>(), pooled.detach().clone(), gradients);
    }

    private static void AssertClose(Tensor expected, Tensor actual, float tolerance, string what)
    {
        var worst = (expected - actual).abs().max().item<float>();
        Assert.IsTrue(worst <= tolerance, $"{what}: max difference {worst} > {tolerance}");
    }
}
