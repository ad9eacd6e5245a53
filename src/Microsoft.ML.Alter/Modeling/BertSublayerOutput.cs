using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// Projection, dropout, then LayerNorm over the residual sum: HF <c>attention.output</c> and <c>output</c>
/// (the second half of the feed-forward sublayer) share this shape.
/// </summary>
public sealed class BertSublayerOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertSublayerOutput(string name, int inputSize, BertConfig config) : base(name)
    {
        dense = nn.Linear(inputSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    internal Linear Dense => dense;

    public override Tensor forward(Tensor sublayerInput, Tensor residual)
        => AddAndNormalize(dense.forward(sublayerInput), residual);

    /// <summary>Dropout, residual sum and LayerNorm of an already projected sublayer output.</summary>
    public Tensor AddAndNormalize(Tensor projected, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(dropout.forward(projected) + residual).MoveToOuterDisposeScope();
    }
}
