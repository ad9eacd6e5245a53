using Microsoft.ML.Alter.Modeling;
using TorchSharp.Modules;

namespace Microsoft.ML.Alter.Bench;

/// <summary>
/// Forward FLOPs per token of a model's weight matmuls (2 per multiply-add), next to the plain encoder's, so a reader sees
/// how much more work ALTER does than the encoder it is compared with.
/// </summary>
/// <param name="EncoderFlopsPerToken">The pretrained encoder alone (what ONNX Runtime runs): attention projections and FFN of every layer.</param>
/// <param name="AlterFlopsPerToken">The ALTER model: the encoder with its mixtures (a dense mixture runs every expert on every token, a routed
/// one the k experts of the token's task, and the shared experts on every token).</param>
/// <param name="Structure">What the mixtures are, e.g. "FeedForwardCopy × 8 (+0 shared) in layers 4, 5".</param>
public sealed record ForwardCost(double EncoderFlopsPerToken, double AlterFlopsPerToken, string Structure)
{
    public double AlterToEncoder => AlterFlopsPerToken / EncoderFlopsPerToken;

    public override string ToString()
        => $"{AlterFlopsPerToken / 1e6:F1} MFLOP/token (ALTER: {Structure}) vs {EncoderFlopsPerToken / 1e6:F1} MFLOP/token (encoder), {AlterToEncoder:F2}×";
}

/// <summary>
/// Counts forward FLOPs from the model's configuration (layers, hidden and FFN sizes, expert kind and count, MTA layers,
/// shared experts), the hand count of README "Expert cost per token" made reproducible.
/// </summary>
/// <remarks>
/// Left out, because they are small or not per token: attention's score and context products (4 × length × hidden per token
/// and layer, about 1% at sentence lengths), embeddings (lookups), softmax/LayerNorm/activations, and per-row work (task
/// heads, the stage-2 gate: a few thousand FLOPs per row). Training is taken as 3× the forward count (forward, and backward
/// for activations and weights).
/// </remarks>
internal static class ForwardFlops
{
    public static ForwardCost Of(AlterModelConfig config) => new(Encoder(config.Encoder), Alter(config), Describe(config));

    /// <summary>Plain encoder: per layer, the q, k, v and attention-output projections and the FFN's two matrices.</summary>
    public static double Encoder(BertConfig c) => c.NumHiddenLayers * (Attention(c) + FeedForward(c));

    /// <summary>
    /// ALTER: the encoder, plus in each MTA layer the task experts a token runs (all of them, or its task's k when routed)
    /// and every shared expert; copied-FFN experts replace the layer's FFN, bottleneck adapters are added beside it.
    /// </summary>
    public static double Alter(AlterModelConfig config)
    {
        var c = config.Encoder;
        var copies = config.Mta.ExpertKind == ExpertKind.FeedForwardCopy;
        var expert = copies ? FeedForward(c) : 2.0 * 2 * c.HiddenSize * config.Mta.AdapterSize;
        var taskExperts = config.Mta.IsRouted ? Math.Min(config.Mta.ExpertsPerTask!.Value, config.ExpertCount) : config.ExpertCount;
        var perMtaLayer = (taskExperts + config.SharedExpertCount) * expert - (copies ? FeedForward(c) : 0);
        return Encoder(c) + config.MtaLayers.Length * perMtaLayer;
    }

    /// <summary>
    /// 2 × the weights of every linear layer of the model's encoder that runs per token (the stage-2 gate runs per row and is
    /// left out): the same count read from the built model instead of the configuration, as a check on <see cref="Alter"/> for
    /// a dense mixture (a routed token runs only k of the experts counted here).
    /// </summary>
    public static double FromLinearWeights(AlterModel model)
        => 2.0 * model.Bert.Encoder.named_modules()
            .Where(m => m.module is Linear && !m.name.Split('.').Contains("gate"))
            .Sum(m => ((Linear)m.module).weight!.numel());

    private static double Attention(BertConfig c) => 2.0 * 4 * c.HiddenSize * c.HiddenSize;

    private static double FeedForward(BertConfig c) => 2.0 * 2 * c.HiddenSize * c.IntermediateSize;

    private static string Describe(AlterModelConfig config)
        => $"{config.Mta.ExpertKind}{(config.Mta.ExpertKind == ExpertKind.Bottleneck ? $" ({config.Mta.AdapterSize})" : "")} × {config.ExpertCount} "
           + (config.Mta.IsRouted ? $"(routed: {config.Mta.ExpertsPerTask} per task) " : "")
           + $"(+{config.SharedExpertCount} shared) in layers {string.Join(", ", config.MtaLayers)}";
}
