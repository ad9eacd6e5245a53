using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// An expert that is a copy of a layer's pretrained feed-forward network. Its parameters are named like the HF
/// ones it copies (<c>intermediate.dense</c>, <c>output.dense</c>) so the pretrained FFN loads into it name for name.
/// </summary>
internal sealed class FeedForwardExpert : nn.Module<Tensor, Tensor>
{
    private readonly BertIntermediate intermediate;
    private readonly Projection output;

    public FeedForwardExpert(BertConfig config, int index) : base(index.ToString(System.Globalization.CultureInfo.InvariantCulture))
    {
        intermediate = new BertIntermediate(config);
        output = new Projection("output", config.IntermediateSize, config.HiddenSize);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return output.forward(intermediate.forward(hidden)).MoveToOuterDisposeScope();
    }

    /// <summary>A lone <c>dense</c> linear layer under a given module name.</summary>
    private sealed class Projection : nn.Module<Tensor, Tensor>
    {
        private readonly Linear dense;

        public Projection(string name, int inputSize, int outputSize) : base(name)
        {
            dense = nn.Linear(inputSize, outputSize);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => dense.forward(input);
    }
}
