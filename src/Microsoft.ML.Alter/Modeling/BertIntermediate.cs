using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>First half of the feed-forward sublayer: up-projection and activation (HF <c>intermediate.dense</c>).</summary>
internal sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly nn.Module<Tensor, Tensor> activation;

    public BertIntermediate(BertConfig config) : base("intermediate")
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        activation = Activations.Create(config.HiddenAct);
        RegisterComponents();
    }

    internal Linear Dense => dense;

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return activation.forward(dense.forward(hidden)).MoveToOuterDisposeScope();
    }
}
