using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Export;

/// <summary>
/// Writes the BERT encoder (embeddings, self-attention, feed-forward sublayers) of an <see cref="AlterModel"/> as ONNX,
/// following Modeling/Bert*.cs operation for operation, with each MTA layer's mixture written by <see cref="MixtureGraph"/>.
/// </summary>
internal static class EncoderGraph
{
    // Added to the scores of padding keys: softmax gives them weight 0 in float32, as torch's boolean mask does, without
    // the NaN an -inf mask gives on a row with no real token.
    private const float MaskedScore = -1e9f;

    /// <returns>The last hidden state, [batch, length, hidden].</returns>
    public static string Write(OnnxLayers layers, AlterModel model, ExportedTasks tasks, string inputIds, string attentionMask, string tokenTypeIds, string taskIds)
    {
        var graph = layers.Graph;
        var config = model.Config.Encoder;
        var hidden = Embeddings(layers, config, inputIds, tokenTypeIds);
        var maskScores = graph.Node("Unsqueeze",
            graph.Node("Mul", graph.Node("Sub", graph.Scalar(1f), graph.Node("Cast", new[] { attentionMask }, OnnxGraphBuilder.Attribute("to", 1L))), graph.Scalar(MaskedScore)),
            graph.Ints(1, 2));
        var mixtures = model.Bert.Encoder.Layers.Select(l => l.Mixture).ToList();
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            var prefix = $"bert.encoder.layer.{i}";
            var attended = layers.LayerNorm(
                graph.Node("Add", layers.Linear(SelfAttention(layers, config, hidden, maskScores, prefix + ".attention.self"), prefix + ".attention.output.dense"), hidden),
                prefix + ".attention.output.LayerNorm", config.LayerNormEps);
            var mixture = mixtures[i];
            string? ffn = null;
            if (mixture is null || !mixture.ReplacesFeedForward)
                ffn = layers.Linear(layers.Activation(layers.Linear(attended, prefix + ".intermediate.dense"), config.HiddenAct), prefix + ".output.dense");
            if (mixture is not null)
            {
                var mixed = MixtureGraph.Write(layers, mixture, config, tasks, attended, taskIds, prefix + ".mta");
                ffn = ffn is null ? mixed : graph.Node("Add", ffn, mixed);
            }
            hidden = layers.LayerNorm(graph.Node("Add", ffn!, attended), prefix + ".output.LayerNorm", config.LayerNormEps);
        }
        return hidden;
    }

    private static string Embeddings(OnnxLayers layers, BertConfig config, string inputIds, string tokenTypeIds)
    {
        var graph = layers.Graph;
        const string prefix = "bert.embeddings";
        var words = layers.Embedding(prefix + ".word_embeddings.weight", inputIds);
        // Positions 0..length-1 are the first rows of the position table: a slice, broadcast over the batch.
        var length = graph.Node("Slice", graph.Node("Shape", inputIds), graph.Ints(1), graph.Ints(2));
        var positions = graph.Node("Slice", graph.Weight(prefix + ".position_embeddings.weight", layers.Parameter(prefix + ".position_embeddings.weight")), graph.Ints(0), length, graph.Ints(0));
        var types = graph.Node("Gather", graph.Weight(prefix + ".token_type_embeddings.weight", layers.Parameter(prefix + ".token_type_embeddings.weight")), tokenTypeIds);
        return layers.LayerNorm(graph.Node("Add", graph.Node("Add", words, positions), types), prefix + ".LayerNorm", config.LayerNormEps);
    }

    private static string SelfAttention(OnnxLayers layers, BertConfig config, string hidden, string maskScores, string prefix)
    {
        var graph = layers.Graph;
        var headSize = config.HiddenSize / config.NumAttentionHeads;
        var split = graph.Ints(0, 0, config.NumAttentionHeads, headSize);
        string Heads(string name, long[] perm)
            => graph.Node("Transpose", new[] { graph.Node("Reshape", layers.Linear(hidden, $"{prefix}.{name}"), split) }, OnnxGraphBuilder.Attribute("perm", perm));
        var query = Heads("query", new long[] { 0, 2, 1, 3 });
        var keyT = Heads("key", new long[] { 0, 2, 3, 1 });
        var value = Heads("value", new long[] { 0, 2, 1, 3 });
        var scores = graph.Node("Add", graph.Node("Mul", graph.Node("MatMul", query, keyT), graph.Scalar(1f / MathF.Sqrt(headSize))), maskScores);
        var probabilities = graph.Node("Softmax", new[] { scores }, OnnxGraphBuilder.Attribute("axis", -1L));
        var context = graph.Node("Transpose", new[] { graph.Node("MatMul", probabilities, value) }, OnnxGraphBuilder.Attribute("perm", new long[] { 0, 2, 1, 3 }));
        return graph.Node("Reshape", context, graph.Ints(0, 0, config.HiddenSize));
    }
}
