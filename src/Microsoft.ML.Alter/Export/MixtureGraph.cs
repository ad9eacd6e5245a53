using Microsoft.ML.Alter.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Export;

/// <summary>
/// Writes one mixture of task adapters as ONNX, as <see cref="MixtureOfTaskAdapters.forward"/> computes it (dense: every
/// expert over the whole batch, rows weighted afterwards). The task weights softmax(g/τ) depend on the weights only, so
/// they become a constant [exported tasks, experts] table that each row gathers by its task_id; an expert whose weight is
/// exactly 0 for every exported task contributes exactly 0 and is left out.
/// </summary>
internal static class MixtureGraph
{
    public static string Write(OnnxLayers layers, MixtureOfTaskAdapters mixture, BertConfig config, ExportedTasks tasks, string hidden, string taskIds, string prefix)
    {
        var graph = layers.Graph;
        float[][] table;
        using (no_grad())
        using (var all = mixture.Selector.Weights().to(ScalarType.Float32).cpu())
        {
            var flat = all.data<float>().ToArray();
            var experts = (int)all.shape[1];
            table = tasks.ModelIndices.Select(t => flat.AsSpan(t * experts, experts).ToArray()).ToArray();
        }
        var kept = Enumerable.Range(0, mixture.ExpertCount).Where(e => table.Any(row => row[e] != 0f)).ToArray();
        var constant = graph.Floats(prefix + ".task_weights", table.SelectMany(row => kept.Select(e => row[e])).ToArray(), table.Length, kept.Length);
        var rowWeights = graph.Node("Gather", constant, taskIds);

        string? mixed = null;
        for (var k = 0; k < kept.Length; k++)
        {
            var contribution = graph.Node("Mul", Expert(layers, mixture, config, hidden, $"{prefix}.experts.{kept[k]}"), layers.RowScale(rowWeights, k));
            mixed = mixed is null ? contribution : graph.Node("Add", mixed, contribution);
        }
        if (mixture.SharedExpertCount == 0)
            return mixed!;

        // Stage 2: the task mixture and every shared expert are branches; the gate weighs them per row from their [CLS] outputs.
        var branches = new List<string> { mixed! };
        for (var s = 0; s < mixture.SharedExpertCount; s++)
            branches.Add(Expert(layers, mixture, config, hidden, $"{prefix}.shared.{s}"));
        // A scalar index: Gather drops the length axis, giving [batch, hidden] per branch.
        var first = graph.Longs(graph.Fresh("first"), new long[] { 0 });
        var firstTokens = graph.Node("Concat", branches.Select(b => graph.Node("Gather", new[] { b, first }, OnnxGraphBuilder.Attribute("axis", 1L))).ToList(), OnnxGraphBuilder.Attribute("axis", 1L));
        var gate = graph.Node("Softmax", new[] { layers.Linear(graph.Node("Relu", layers.Linear(firstTokens, prefix + ".gate.dense")), prefix + ".gate.out") }, OnnxGraphBuilder.Attribute("axis", 1L));
        string? output = null;
        for (var b = 0; b < branches.Count; b++)
        {
            var weighted = graph.Node("Mul", branches[b], layers.RowScale(gate, b));
            output = output is null ? weighted : graph.Node("Add", output, weighted);
        }
        return output!;
    }

    private static string Expert(OnnxLayers layers, MixtureOfTaskAdapters mixture, BertConfig config, string hidden, string prefix)
        => mixture.ReplacesFeedForward
            ? layers.Linear(layers.Activation(layers.Linear(hidden, prefix + ".intermediate.dense"), config.HiddenAct), prefix + ".output.dense")
            : layers.Linear(layers.Activation(layers.Linear(hidden, prefix + ".down"), config.HiddenAct), prefix + ".up");
}
