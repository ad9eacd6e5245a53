using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>How token vectors become one row vector: the task heads' mean pooling, also the plain encoder's embedding.</summary>
internal static class Pooling
{
    /// <summary>Average of the hidden states of real tokens: [batch, length, hidden] → [batch, hidden].</summary>
    public static Tensor Mean(Tensor hidden, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var mask = attentionMask.unsqueeze(-1).to(hidden.dtype);
        var summed = (hidden * mask).sum(1);
        var counts = mask.sum(1).clamp_min(1e-9);
        return (summed / counts).MoveToOuterDisposeScope();
    }
}
