using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>Self-attention sublayer with its output projection, residual and LayerNorm (HF <c>attention.*</c>).</summary>
internal sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly BertSelfAttention self;
    private readonly BertSublayerOutput output;

    public BertAttention(BertConfig config) : base("attention")
    {
        self = new BertSelfAttention(config);
        output = new BertSublayerOutput("output", config.HiddenSize, config);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor attendMask)
    {
        using var scope = NewDisposeScope();
        return output.forward(self.forward(hidden, attendMask), hidden).MoveToOuterDisposeScope();
    }
}
