using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// Stage 2's gate network: Linear → ReLU → Linear → softmax over the branches (the task mixture and each shared
/// expert), fed with the first-token ([CLS]) output of every branch, concatenated. Weights each branch per row.
/// </summary>
internal sealed class ExpertGate : nn.Module<Tensor, Tensor>
{
    private readonly Linear dense;
    private readonly Linear @out;

    public ExpertGate(int hiddenSize, int branches, int gateHiddenSize) : base("gate")
    {
        dense = nn.Linear(hiddenSize * branches, gateHiddenSize);
        @out = nn.Linear(gateHiddenSize, branches);
        RegisterComponents();
    }

    /// <param name="firstTokens">[batch, branches × hidden].</param>
    /// <returns>[batch, branches], rows summing to 1.</returns>
    public override Tensor forward(Tensor firstTokens)
    {
        using var scope = NewDisposeScope();
        return softmax(@out.forward(nn.functional.relu(dense.forward(firstTokens))), 1).MoveToOuterDisposeScope();
    }
}
