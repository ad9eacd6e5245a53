using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>Warns before training a model whose size makes its memory a problem on an ordinary machine.</summary>
internal static class MemoryWarning
{
    /// <summary>Above this many parameters training warns (about 7 GB at the peak measured per parameter below).</summary>
    internal const long LargeModelParameters = 100_000_000;

    /// <summary>
    /// Peak resident bytes per parameter measured in training on CPU: 143 M parameters (50 tasks with one FFN-copy expert
    /// each, the former default) peaked at 10.4 GB. Weights, gradients and AdamW's two moments are 16 of them; activations
    /// and optimizer temporaries awaiting collection are the rest.
    /// </summary>
    internal const double PeakBytesPerParameter = 73;

    /// <param name="threshold">Parameters above which to warn (tests lower it; a tiny model cannot reach the real one).</param>
    public static void Check(IChannel channel, AlterModel model, long threshold = LargeModelParameters)
    {
        var parameters = model.parameters().Sum(p => p.numel());
        if (parameters <= threshold)
            return;
        channel.Warning($"The model has {parameters / 1e6:F0} M parameters ({model.Config.ExpertCount} experts in each of {model.Config.MtaLayers.Length} "
                        + $"MTA layers): training may need about {parameters * PeakBytesPerParameter / 1e9:F0} GB of memory. Fewer experts "
                        + $"({nameof(AlterEstimator.Options.ExpertCount)}), MTA layers or {nameof(ExpertKind.Bottleneck)} experts need less.");
    }
}
