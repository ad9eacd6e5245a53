using Microsoft.ML.Alter.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>
/// The mixture of task adapters against references computed here: each row gets its own task's mixture
/// softmax(g_t / τ), and in stage 2 the gate weighs the task mixture and the shared expert per row from their
/// first-token outputs.
/// </summary>
[TestClass]
public sealed class RoutingTests
{
    private static readonly TaskSpec[] Tasks =
    {
        new("a", new[] { "x", "y" }), new("b", new[] { "x", "y" }), new("c", new[] { "x", "y" }),
    };

    // Hand-set selector logits, very different per task (4 experts).
    private static readonly double[][] Logits = { new[] { 0.3, -0.1, 0.0, 0.2 }, new[] { -0.2, 0.4, 0.1, 0.0 }, new[] { 0.0, 0.05, -0.3, 0.25 } };

    private static AlterModel CreateModel(double temperature)
    {
        using var pretrained = TinyBert.Checkpoint();
        var model = pretrained.CreateAlterModel(Tasks, new MtaOptions { Layers = new[] { 1 }, Temperature = temperature }, 32, seed: 1);
        model.eval();
        using var _ = no_grad();
        for (var t = 0; t < Tasks.Length; t++)
            model.Mixtures[0].Selector.LogitsOf(t).copy_(tensor(Logits[t].Select(v => (float)v).ToArray()));
        return model;
    }

    private static double[] Softmax(double[] logits, double temperature)
    {
        var e = logits.Select(l => Math.Exp(l / temperature)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    [TestMethod]
    public void EachRowGetsItsOwnTasksMixture()
    {
        const double temperature = 0.2;
        using var model = CreateModel(temperature);
        var mixture = model.Mixtures[0];
        Assert.AreEqual(4, mixture.ExpertCount);
        // Expert e outputs the e-th unit vector at every token, so a row's output holds its mixture weights.
        using (no_grad())
            foreach (var (expert, e) in mixture.Experts.Select((x, e) => (x, e)))
            {
                var parameters = expert.named_parameters().ToDictionary(p => p.name, p => p.parameter);
                parameters["output.dense.weight"].zero_();
                parameters["output.dense.bias"].zero_();
                parameters["output.dense.bias"][e] = tensor(1f);
            }

        var rowTasks = new long[] { 2, 0, 1, 2, 1, 0 };
        using var _ = no_grad();
        manual_seed(4);
        using var hidden = randn(rowTasks.Length, 5, 32);
        using var output = mixture.forward(hidden, tensor(rowTasks));
        var values = output.data<float>().ToArray();
        for (var r = 0; r < rowTasks.Length; r++)
        {
            var expected = Softmax(Logits[rowTasks[r]], temperature);
            for (var token = 0; token < 5; token++)
                for (var h = 0; h < 32; h++)
                    Assert.AreEqual(h < 4 ? expected[h] : 0, values[(r * 5 + token) * 32 + h], 1e-6, $"row {r} (task {rowTasks[r]}) token {token} unit {h}");
        }
        var reported = model.ExpertWeights()[0];
        for (var t = 0; t < Tasks.Length; t++)
            for (var e = 0; e < 4; e++)
                Assert.AreEqual(Softmax(Logits[t], temperature)[e], reported[t][e], 1e-6, $"ExpertWeights task {t} expert {e}");
    }

    [TestMethod]
    public void TheGateWeighsTheTaskMixtureAndTheSharedExpertPerRowFromTheirFirstTokens()
    {
        const double temperature = 0.5;
        using var model = CreateModel(temperature);
        model.AddStage2(1);
        var mixture = model.Mixtures[0];
        // Make every expert and the shared one distinct (they start as copies of one FFN and as its mean).
        using (no_grad())
        {
            manual_seed(8);
            foreach (var (_, p) in mixture.named_parameters().Where(p => p.name.StartsWith("experts.", StringComparison.Ordinal) || p.name.StartsWith("shared.", StringComparison.Ordinal)))
                p.add_(randn_like(p) * 0.05);
        }
        var experts = mixture.Experts.Cast<nn.Module<Tensor, Tensor>>().ToList();
        var shared = mixture.named_modules().Single(m => m.name == "shared.0").module as nn.Module<Tensor, Tensor>;
        var gate = mixture.named_parameters().Where(p => p.name.StartsWith("gate.", StringComparison.Ordinal)).ToDictionary(p => p.name, p => (Tensor)p.parameter);
        Assert.IsNotNull(shared);

        var rowTasks = new long[] { 1, 2, 0, 0, 2 };
        using var _ = no_grad();
        manual_seed(9);
        var hidden = randn(rowTasks.Length, 6, 32);
        var actual = mixture.forward(hidden, tensor(rowTasks));

        // Reference: the row's task mixture, the shared expert, and the gate written out as matrix products.
        var weights = tensor(rowTasks.SelectMany(t => Softmax(Logits[t], temperature)).Select(v => (float)v).ToArray()).view(rowTasks.Length, 4);
        var taskMixture = zeros_like(hidden);
        for (var e = 0; e < 4; e++)
            taskMixture += experts[e].forward(hidden) * weights[.., e].view(-1, 1, 1);
        var sharedOutput = shared!.forward(hidden);
        var firstTokens = cat(new[] { taskMixture[.., 0, ..], sharedOutput[.., 0, ..] }, 1);
        var gateHidden = nn.functional.relu(firstTokens.matmul(gate["gate.dense.weight"].t()) + gate["gate.dense.bias"]);
        var branch = softmax(gateHidden.matmul(gate["gate.out.weight"].t()) + gate["gate.out.bias"], 1);
        var expected = taskMixture * branch[.., 0].view(-1, 1, 1) + sharedOutput * branch[.., 1].view(-1, 1, 1);

        var worst = (actual - expected).abs().max().item<float>();
        Assert.IsTrue(worst < 1e-5, $"max difference {worst}");
        // The gate's weights really differ per row (a constant split would not test the per-row weighting).
        Assert.IsTrue((branch[.., 0].max() - branch[.., 0].min()).item<float>() > 0.01, branch.ToString(TorchSharp.TensorStringStyle.Numpy));
    }
}
