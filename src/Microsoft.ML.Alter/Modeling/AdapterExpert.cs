using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// A bottleneck adapter: down-projection, activation, up-projection. The up-projection starts at zero, so an
/// untrained adapter adds nothing and the encoder starts exactly as pretrained.
/// </summary>
internal sealed class AdapterExpert : nn.Module<Tensor, Tensor>
{
    private readonly Linear down;
    private readonly nn.Module<Tensor, Tensor> activation;
    private readonly Linear up;

    public AdapterExpert(BertConfig config, int size, int index) : base(index.ToString(System.Globalization.CultureInfo.InvariantCulture))
    {
        down = nn.Linear(config.HiddenSize, size);
        activation = Activations.Create(config.HiddenAct);
        up = nn.Linear(size, config.HiddenSize);
        using (no_grad())
        {
            up.weight!.zero_();
            up.bias!.zero_();
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return up.forward(activation.forward(down.forward(hidden))).MoveToOuterDisposeScope();
    }
}
