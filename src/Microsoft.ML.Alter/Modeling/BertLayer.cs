using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// One transformer block: self-attention sublayer, then the feed-forward sublayer (HF <c>encoder.layer.N</c>).
/// In an MTA layer the feed-forward sublayer is a mixture of task adapters (<c>encoder.layer.N.mta</c>): either
/// its experts are copies of the pretrained FFN and replace it, or they are bottleneck adapters added to it.
/// </summary>
internal sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate? intermediate;
    private readonly BertSublayerOutput output;
    private readonly MixtureOfTaskAdapters? mta;

    public BertLayer(BertConfig config, int index, MixtureOfTaskAdapters? mixture = null)
        : base(index.ToString(System.Globalization.CultureInfo.InvariantCulture))
    {
        var keepsPretrainedFfn = mixture is null || !mixture.ReplacesFeedForward;
        attention = new BertAttention(config);
        intermediate = keepsPretrainedFfn ? new BertIntermediate(config) : null;
        output = new BertSublayerOutput("output", config.IntermediateSize, config, withDense: keepsPretrainedFfn);
        mta = mixture;
        RegisterComponents();
    }

    /// <summary>The mixture of task adapters of this layer, or null for a plain layer.</summary>
    public MixtureOfTaskAdapters? Mixture => mta;

    public override Tensor forward(Tensor hidden, Tensor attendMask) => forward(hidden, attendMask, null);

    /// <param name="taskIds">[batch] int64 task index of each row; required when the layer has a mixture.</param>
    public Tensor forward(Tensor hidden, Tensor attendMask, Tensor? taskIds)
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(hidden, attendMask);
        var pretrained = intermediate is null ? null : output.Dense!.forward(intermediate.forward(attended));
        Tensor ffn;
        if (mta is null)
        {
            ffn = pretrained!;
        }
        else
        {
            if (taskIds is null)
                throw new InvalidOperationException($"Encoder layer {GetName()} mixes task adapters and needs each row's task.");
            var mixed = mta.forward(attended, taskIds);
            ffn = pretrained is null ? mixed : pretrained + mixed;
        }
        return output.AddAndNormalize(ffn, attended).MoveToOuterDisposeScope();
    }
}
