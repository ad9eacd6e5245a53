using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>One transformer block: self-attention sublayer, then the feed-forward sublayer (HF <c>encoder.layer.N</c>).</summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertAttention attention;
    private readonly BertIntermediate intermediate;
    private readonly BertSublayerOutput output;

    public BertLayer(BertConfig config, int index) : base(index.ToString(System.Globalization.CultureInfo.InvariantCulture))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertSublayerOutput("output", config.IntermediateSize, config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor attendMask)
    {
        using var scope = NewDisposeScope();
        var attended = attention.forward(hidden, attendMask);
        return output.forward(intermediate.forward(attended), attended).MoveToOuterDisposeScope();
    }
}
