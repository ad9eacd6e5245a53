using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>A task's classifier over the pooled row vector: dropout, then a linear layer to the task's labels.</summary>
internal sealed class TaskHead : nn.Module<Tensor, Tensor>
{
    private readonly Dropout dropout;
    private readonly Linear dense;

    public TaskHead(int hiddenSize, int labelCount, double dropoutRate, int index)
        : base(index.ToString(System.Globalization.CultureInfo.InvariantCulture))
    {
        dropout = nn.Dropout(dropoutRate);
        dense = nn.Linear(hiddenSize, labelCount);
        RegisterComponents();
    }

    public override Tensor forward(Tensor pooled)
    {
        using var scope = NewDisposeScope();
        return dense.forward(dropout.forward(pooled)).MoveToOuterDisposeScope();
    }
}
