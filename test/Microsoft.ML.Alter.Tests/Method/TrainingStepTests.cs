using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>
/// One optimisation step: gradients clipped to the maximum norm, each step's gradient its own batch's, and a
/// non-finite loss stopping training.
/// </summary>
[TestClass]
public sealed class TrainingStepTests
{
    /// <summary>A one-mixture model over <paramref name="train"/>'s tasks, its rows, its parameters, all rows as one batch.</summary>
    private static (AlterModel Model, EncodedRows Rows, List<Parameter> Parameters, int[] Batch) OneBatch(PretrainedCheckpoint pretrained, List<LabeledExample> train)
    {
        var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), new MtaOptions { Layers = new[] { 1 } }, 32, seed: 3);
        return (model, EncodedRows.FromExamples(model, train, "training"), model.parameters().ToList(), Enumerable.Range(0, train.Count).ToArray());
    }

    /// <summary>
    /// With plain SGD at learning rate 1 a step moves the weights by exactly minus the (clipped) gradient, so the
    /// step's length is the gradient norm after clipping.
    /// </summary>
    [TestMethod]
    public void GradientsAreClippedToTheMaximumGlobalNorm()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(6, 1);

        (double Norm, Tensor Move) Step(double maxGradNorm)
        {
            var (model, rows, parameters, batch) = OneBatch(pretrained, train);
            using (model)
            {
                model.eval(); // no dropout: both runs see the same gradient
                var before = parameters.Select(p => p.detach().clone()).ToList();
                using var sgd = optim.SGD(parameters, 1.0);
                TrainingStep.Run(model, rows, batch, sgd, parameters, maxGradNorm, CPU);
                var move = cat(parameters.Select((p, i) => (p.detach() - before[i]).flatten()).ToArray());
                return (move.norm().item<float>(), move);
            }
        }

        var (raw, rawMove) = Step(1e9);
        Assert.IsTrue(raw > 0.1, $"gradient norm {raw}");
        var limit = raw / 4;
        var (clipped, clippedMove) = Step(limit);
        Assert.AreEqual(limit, clipped, limit * 1e-3, "the step is as long as the limit");
        Assert.IsTrue(clippedMove.allclose(rawMove / 4, 1e-5, 1e-6), "same direction, scaled down");
    }

    [TestMethod]
    public void EachStepStartsFromZeroGradients()
    {
        using var pretrained = TinyBert.Checkpoint();
        var (model, rows, parameters, batch) = OneBatch(pretrained, SyntheticTasks.ThreeTasks(6, 1));
        using (model)
        {
            model.eval(); // no dropout: the same batch gives the same gradient
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
    }

    [TestMethod]
    public void ANonFiniteLossStopsTrainingWithAnErrorThatSaysWhatToDo()
    {
        using var pretrained = TinyBert.Checkpoint();
        var (model, rows, parameters, batch) = OneBatch(pretrained, SyntheticTasks.ThreeTasks(4, 1));
        using (model)
        {
            using (no_grad())
                model.Heads[0].parameters().First().fill_(float.PositiveInfinity);
            using var sgd = optim.SGD(parameters, 0.0);

            var error = Assert.Throws<InvalidOperationException>(() => TrainingStep.Run(model, rows, batch, sgd, parameters, 1.0, CPU));

            StringAssert.Contains(error.Message, "The training loss became NaN; lower the learning rate.");
        }
    }
}
