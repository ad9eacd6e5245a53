using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>One optimisation step: each step's gradient is its own batch's, and a non-finite loss stops training.</summary>
[TestClass]
public sealed class TrainingStepTests
{
    private static readonly MtaOptions OneLayer = new() { Layers = new[] { 1 } };

    [TestMethod]
    public void EachStepStartsFromZeroGradients()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(6, 1);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), OneLayer, 32, seed: 3);
        model.eval(); // no dropout: the same batch gives the same gradient
        var rows = EncodedRows.FromExamples(model, train, "training");
        var parameters = model.parameters().ToList();
        var batch = Enumerable.Range(0, train.Count).ToArray();
        // Learning rate 0: the weights stay, so a second step on the same batch sees the same gradient, not twice it.
        using var sgd = optim.SGD(parameters, 0.0);

        TrainingStep.Run(model, rows, batch, sgd, parameters, 1e9, CPU);
        var first = parameters.Where(p => p.grad is not null).Select(p => p.grad!.clone()).ToList();
        TrainingStep.Run(model, rows, batch, sgd, parameters, 1e9, CPU);
        var second = parameters.Where(p => p.grad is not null).Select(p => p.grad!).ToList();

        Assert.AreEqual(first.Count, second.Count);
        Assert.IsTrue(first.Any(g => g.abs().max().item<float>() > 0), "the step has a gradient");
        for (var i = 0; i < first.Count; i++)
            Assert.IsTrue(second[i].allclose(first[i], 1e-5, 1e-7), $"parameter {i}: the gradient accumulated across steps");
    }

    [TestMethod]
    public void ANonFiniteLossStopsTrainingWithAnErrorThatSaysWhatToDo()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(4, 1);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), OneLayer, 32, seed: 3);
        var rows = EncodedRows.FromExamples(model, train, "training");
        var parameters = model.parameters().ToList();
        using (no_grad())
            model.Heads[0].parameters().First().fill_(float.PositiveInfinity);
        using var sgd = optim.SGD(parameters, 0.0);

        var error = Assert.Throws<InvalidOperationException>(() => TrainingStep.Run(model, rows, Enumerable.Range(0, train.Count).ToArray(), sgd, parameters, 1.0, CPU));

        StringAssert.Contains(error.Message, "The training loss became NaN; lower the learning rate.");
    }
}
