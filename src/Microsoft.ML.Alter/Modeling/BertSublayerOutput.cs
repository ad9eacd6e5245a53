using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// Projection, dropout, then LayerNorm over the residual sum: HF <c>attention.output</c> and <c>output</c>
/// (the second half of the feed-forward sublayer) share this shape.
/// </summary>
internal sealed class BertSublayerOutput : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear? dense;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    /// <param name="withDense">
    /// False where experts own the projection (an MTA layer of feed-forward copies): only the LayerNorm stays shared.
    /// </param>
    public BertSublayerOutput(string name, int inputSize, BertConfig config, bool withDense = true) : base(name)
    {
        dense = withDense ? nn.Linear(inputSize, config.HiddenSize) : null;
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    internal Linear? Dense => dense;

    public override Tensor forward(Tensor sublayerInput, Tensor residual)
    {
        if (dense is null)
            throw new InvalidOperationException($"{GetName()} has no projection of its own; call AddAndNormalize with the experts' output.");
        using var scope = NewDisposeScope();
        return AddAndNormalize(dense.forward(sublayerInput), residual).MoveToOuterDisposeScope();
    }

    /// <summary>Dropout, residual sum and LayerNorm of an already projected sublayer output.</summary>
    public Tensor AddAndNormalize(Tensor projected, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return LayerNorm.forward(dropout.forward(projected) + residual).MoveToOuterDisposeScope();
    }
}
