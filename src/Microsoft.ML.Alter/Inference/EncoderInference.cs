using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Inference;

/// <summary>
/// Runs a pretrained encoder over many texts for inference: eval mode, no autograd, length-sorted batches with
/// dynamic padding, every temporary released per batch.
/// </summary>
internal static class EncoderInference
{
    /// <summary>
    /// Mean-pooled (over real tokens) last hidden states, one vector per input, in input order. This is the
    /// sentence-transformers embedding of all-MiniLM-L6-v2 before its L2 normalisation.
    /// </summary>
    public static float[][] MeanPooled(BertModel model, IReadOnlyList<EncodedInput> inputs, int batchSize = 32,
        int paddingId = 0, CancellationToken cancellation = default)
    {
        var result = new float[inputs.Count][];
        var device = model.parameters().First().device;
        InferenceLoop.Run(model, inputs.Select(i => i.Length).ToList(), batchSize, cancellation, indices =>
        {
            using var batch = TokenBatch.Create(indices.Select(i => inputs[i]).ToList(), paddingId, device);
            var hidden = model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
            var pooled = Pooling.Mean(hidden, batch.AttentionMask).cpu();
            var flat = pooled.data<float>().ToArray();
            var width = (int)pooled.shape[1];
            for (var r = 0; r < indices.Length; r++)
                result[indices[r]] = flat.AsSpan(r * width, width).ToArray();
        });
        return result;
    }
}
