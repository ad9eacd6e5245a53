using Microsoft.ML.Alter.Modeling;
using static Microsoft.ML.Alter.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Export;

/// <summary>
/// Writes pooling and the task heads: every head runs as one [hidden, all labels] matmul, then each row's softmax is taken
/// over its own task's slice only (other slots are masked out of the softmax and set to exactly 0), as the TorchSharp
/// predictor's per-task softmax.
/// </summary>
internal static class HeadsGraph
{
    /// <returns>(probabilities [batch, width], label [batch]: the index of the most probable label within the row's task).</returns>
    public static (string Probabilities, string Label) Write(OnnxLayers layers, AlterModel model, ExportedTasks tasks, string hidden, string attentionMask, string taskIds)
    {
        var graph = layers.Graph;
        // [CLS] pooling gathers position 0 with a scalar index, which drops the length axis.
        var pooled = model.Config.Mta.Pooling == PoolingKind.Cls
            ? graph.Node("Gather", new[] { hidden, graph.Longs(graph.Fresh("first"), new long[] { 0 }) }, Attribute("axis", 1L))
            : MeanPool(graph, hidden, attentionMask);

        // Heads are nn.Linear [labels, hidden]: concatenated along labels, then transposed for MatMul.
        Tensor weight, bias;
        using (no_grad())
        {
            weight = cat(tasks.ModelIndices.Select(t => layers.Parameter($"heads.{t}.dense.weight")).ToArray(), 0);
            bias = cat(tasks.ModelIndices.Select(t => layers.Parameter($"heads.{t}.dense.bias")).ToArray(), 0);
        }
        using (weight)
        using (bias)
        {
            var logits = graph.Node("Add", graph.Node("MatMul", pooled, graph.Weight("heads.weight", weight, transpose: true)), graph.Weight("heads.bias", bias));
            var slots = new bool[tasks.Specs.Count * tasks.Width];
            for (var t = 0; t < tasks.Specs.Count; t++)
                Array.Fill(slots, true, t * tasks.Width + tasks.Offsets[t], tasks.Specs[t].Labels.Count);
            var own = graph.Node("Gather", graph.Bools("task_slots", slots, tasks.Specs.Count, tasks.Width), taskIds);
            var masked = graph.Node("Where", own, logits, graph.Scalar(float.MinValue));
            var softmax = graph.Node("Softmax", new[] { masked }, Attribute("axis", -1L));
            var probabilities = graph.Node("Where", own, softmax, graph.Scalar(0f));
            graph.NameLastOutput(AlterOnnxNames.Probabilities);
            var offsets = graph.Longs("task_offsets", tasks.Offsets.Select(o => (long)o).ToArray(), tasks.Offsets.Length);
            graph.Node("Sub", graph.Node("ArgMax", new[] { masked }, Attribute("axis", 1L), Attribute("keepdims", 0L)), graph.Node("Gather", offsets, taskIds));
            graph.NameLastOutput(AlterOnnxNames.Label);
            return (AlterOnnxNames.Probabilities, AlterOnnxNames.Label);
        }
    }

    /// <summary>Mean of the real tokens' vectors, as Pooling.Mean.</summary>
    private static string MeanPool(OnnxGraphBuilder graph, string hidden, string attentionMask)
    {
        var mask = graph.Node("Unsqueeze", graph.Node("Cast", new[] { attentionMask }, Attribute("to", 1L)), graph.Ints(2));
        var summed = graph.Node("ReduceSum", new[] { graph.Node("Mul", hidden, mask), graph.Ints(1) }, Attribute("keepdims", 0L));
        var counts = graph.Node("Max", graph.Node("ReduceSum", new[] { mask, graph.Ints(1) }, Attribute("keepdims", 0L)), graph.Scalar(1e-9f));
        return graph.Node("Div", summed, counts);
    }
}
