using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>Maps Hugging Face <c>hidden_act</c> names to TorchSharp activation modules.</summary>
internal static class Activations
{
    public static nn.Module<Tensor, Tensor> Create(string name, string source = "config")
        => name switch
        {
            "gelu" => nn.GELU(),
            "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => nn.GELU(TorchSharp.Modules.GELU.Approximate.tanh, false),
            "relu" => nn.ReLU(),
            _ => throw new InvalidDataException(
                $"{source}: hidden_act '{name}' is not supported (use gelu, gelu_new, gelu_pytorch_tanh or relu)."),
        };
}
