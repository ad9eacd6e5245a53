using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Text;

/// <summary>
/// Inputs padded to the longest one in the batch (dynamic padding), as the three int64 tensors a BERT encoder takes.
/// </summary>
internal sealed class TokenBatch : IDisposable
{
    private TokenBatch(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, int tokenCount)
    {
        InputIds = inputIds;
        AttentionMask = attentionMask;
        TokenTypeIds = tokenTypeIds;
        TokenCount = tokenCount;
    }

    /// <summary>[batch, length].</summary>
    public Tensor InputIds { get; }

    /// <summary>[batch, length]: 1 for real tokens, 0 for padding.</summary>
    public Tensor AttentionMask { get; }

    /// <summary>[batch, length].</summary>
    public Tensor TokenTypeIds { get; }

    /// <summary>Real (non-padding) tokens in the batch.</summary>
    public int TokenCount { get; }

    public long Size => InputIds.shape[0];

    public static TokenBatch Create(IReadOnlyList<EncodedInput> inputs, int paddingId = 0, Device? device = null)
    {
        if (inputs.Count == 0)
            throw new ArgumentException("A batch needs at least one input.", nameof(inputs));
        var length = inputs.Max(i => i.Length);
        var ids = new long[inputs.Count * length];
        var mask = new long[inputs.Count * length];
        var types = new long[inputs.Count * length];
        Array.Fill(ids, paddingId);
        var tokens = 0;
        for (var row = 0; row < inputs.Count; row++)
        {
            var input = inputs[row];
            var offset = row * length;
            for (var j = 0; j < input.Length; j++)
            {
                ids[offset + j] = input.InputIds[j];
                types[offset + j] = input.TokenTypeIds[j];
                mask[offset + j] = 1;
            }
            tokens += input.Length;
        }
        long[] shape = { inputs.Count, length };
        return new TokenBatch(
            tensor(ids, shape, device: device),
            tensor(mask, shape, device: device),
            tensor(types, shape, device: device),
            tokens);
    }

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds.Dispose();
    }
}
