using static Microsoft.ML.Alter.Export.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Export;

/// <summary>
/// The building blocks the model is made of, written as standard ONNX operators over named weights of the model's state
/// dict: linear layers, LayerNorm, activations. Errors name the weight that is missing.
/// </summary>
internal sealed class OnnxLayers(OnnxGraphBuilder graph, IReadOnlyDictionary<string, Tensor> weights, OnnxQuantization quantization = OnnxQuantization.None)
{
    public OnnxGraphBuilder Graph => graph;

    public Tensor Parameter(string name)
        => weights.TryGetValue(name, out var tensor)
            ? tensor
            : throw new InvalidOperationException($"ONNX export: the model has no weight '{name}'; its structure is not one the exporter knows.");

    /// <summary>x·Wᵀ + b of the nn.Linear named <paramref name="prefix"/> (W stored transposed, [in, out]; int8 when quantizing).</summary>
    public string Linear(string x, string prefix)
    {
        var b = graph.Weight(prefix + ".bias", Parameter(prefix + ".bias"));
        if (quantization == OnnxQuantization.DynamicInt8)
            return graph.Node("Add", Int8MatMul(x, prefix + ".weight"), b);
        var w = graph.Weight(prefix + ".weight", Parameter(prefix + ".weight"), transpose: true);
        return graph.Node("Add", graph.Node("MatMul", x, w), b);
    }

    /// <summary>
    /// x·Wᵀ with W as int8 [in, out] and one scale per output column; x quantized to uint8 per call. The int32 product
    /// times x's scale times the column's scale is the float result (zero points: x's from DynamicQuantizeLinear, W's 0).
    /// </summary>
    private string Int8MatMul(string x, string weightName)
    {
        var (values, scales, dims) = Int8Weights.Quantize(Parameter(weightName));
        var w = graph.Int8s(weightName + "_quantized", values, dims);
        var wScale = graph.Floats(weightName + "_scale", scales, scales.Length);
        var (xq, xScale, xZeroPoint) = graph.Node3("DynamicQuantizeLinear", x);
        var product = graph.Node("MatMulInteger", xq, w, xZeroPoint);
        var asFloat = graph.Node("Cast", new[] { product }, Attribute("to", (long)Onnx.TensorProto.Types.DataType.Float));
        return graph.Node("Mul", asFloat, graph.Node("Mul", xScale, wScale));
    }

    /// <summary>
    /// Rows of an embedding table. int8 when quantizing (the word table is half of MiniLM's weights): one scale per row,
    /// gathered with the row, so the lookup dequantizes exactly what was stored.
    /// </summary>
    public string Embedding(string name, string ids)
    {
        if (quantization != OnnxQuantization.DynamicInt8)
            return graph.Node("Gather", graph.Weight(name, Parameter(name)), ids);
        var (values, scales, dims) = Int8Weights.QuantizeRows(Parameter(name));
        var table = graph.Int8s(name + "_quantized", values, dims);
        var rowScales = graph.Floats(name + "_scale", scales, scales.Length, 1);
        var rows = graph.Node("Cast", new[] { graph.Node("Gather", table, ids) }, Attribute("to", (long)Onnx.TensorProto.Types.DataType.Float));
        return graph.Node("Mul", rows, graph.Node("Gather", rowScales, ids));
    }

    public string LayerNorm(string x, string prefix, double epsilon)
    {
        var gamma = graph.Weight(prefix + ".weight", Parameter(prefix + ".weight"));
        var beta = graph.Weight(prefix + ".bias", Parameter(prefix + ".bias"));
        return graph.Node("LayerNormalization", new[] { x, gamma, beta }, Attribute("axis", -1L), Attribute("epsilon", (float)epsilon));
    }

    /// <summary>The Hugging Face activations the encoder supports (see Modeling/Activations), from opset-17 operators.</summary>
    public string Activation(string x, string name)
    {
        switch (name)
        {
            case "relu":
                return graph.Node("Relu", x);
            case "gelu":
            {
                // Exact GELU, 0.5·x·(1 + erf(x/√2)): Gelu itself is only standard from opset 20.
                var erf = graph.Node("Erf", graph.Node("Div", x, graph.Scalar(MathF.Sqrt(2f))));
                return graph.Node("Mul", graph.Node("Mul", x, graph.Scalar(0.5f)), graph.Node("Add", erf, graph.Scalar(1f)));
            }
            case "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast":
            {
                // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as torch's GELU(approximate: tanh).
                var cube = graph.Node("Mul", graph.Node("Mul", x, x), x);
                var inner = graph.Node("Add", x, graph.Node("Mul", cube, graph.Scalar(0.044715f)));
                var tanh = graph.Node("Tanh", graph.Node("Mul", inner, graph.Scalar(MathF.Sqrt(2f / MathF.PI))));
                return graph.Node("Mul", graph.Node("Mul", x, graph.Scalar(0.5f)), graph.Node("Add", tanh, graph.Scalar(1f)));
            }
            default:
                throw new NotSupportedException($"ONNX export: hidden_act '{name}' has no ONNX form here.");
        }
    }

    /// <summary>Column <paramref name="index"/> of a [batch, n] tensor as [batch, 1, 1], to scale [batch, length, hidden] rows.</summary>
    public string RowScale(string weights, int index)
    {
        var column = graph.Node("Slice", weights, graph.Ints(index), graph.Ints(index + 1), graph.Ints(1));
        return graph.Node("Unsqueeze", column, graph.Ints(2));
    }
}
