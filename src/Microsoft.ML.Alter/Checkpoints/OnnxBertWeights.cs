using System.Runtime.InteropServices;
using Microsoft.ML.Alter.Modeling;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Checkpoints;

/// <summary>
/// Reads the weights of a BERT encoder exported to ONNX (the Hugging Face / sentence-transformers export) as a
/// Hugging Face state dict. Named initializers already carry HF names; the exporter left the projection matrices
/// unnamed, as the second inputs of MatMul nodes in graph order (query, key, value, attention output,
/// intermediate, output per layer), stored [in, out].
/// </summary>
public static class OnnxBertWeights
{
    private static readonly string[] MatMulWeightNames =
    {
        "attention.self.query.weight", "attention.self.key.weight", "attention.self.value.weight",
        "attention.output.dense.weight", "intermediate.dense.weight", "output.dense.weight",
    };

    /// <summary>Returns HF-named float32 tensors; the caller owns (disposes) them.</summary>
    public static Dictionary<string, Tensor> Read(Stream onnx, BertConfig config, string source)
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnx);
        }
        catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or IOException)
        {
            throw new InvalidDataException($"{source} is not a readable ONNX model: {e.Message}", e);
        }
        var graph = model.Graph ?? throw new InvalidDataException($"{source} has no graph.");
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var weights = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var init in graph.Initializer)
                if (init.DataType == (int)TensorProto.Types.DataType.Float && LooksLikeHfName(init.Name))
                    weights[init.Name] = ToTensor(init, source);

            var unnamed = graph.Node
                .Where(n => n.OpType == "MatMul" && n.Input.Count == 2 && initializers.TryGetValue(n.Input[1], out var w)
                            && !LooksLikeHfName(w.Name) && w.Dims.Count == 2)
                .Select(n => initializers[n.Input[1]])
                .ToList();
            var expected = MatMulWeightNames.Length * config.NumHiddenLayers;
            if (unnamed.Count != expected)
                throw new InvalidDataException(
                    $"{source}: expected {expected} weight-matrix MatMul nodes for {config.NumHiddenLayers} layers, found {unnamed.Count}. "
                    + "Is this an ONNX export of a BERT encoder with this config?");
            for (var i = 0; i < unnamed.Count; i++)
            {
                var name = $"encoder.layer.{i / MatMulWeightNames.Length}.{MatMulWeightNames[i % MatMulWeightNames.Length]}";
                using var inOut = ToTensor(unnamed[i], source);
                // ONNX multiplies x·W with W [in, out]; nn.Linear keeps W as [out, in].
                weights[name] = inOut.t().contiguous();
            }
            return weights;
        }
        catch
        {
            foreach (var t in weights.Values) t.Dispose();
            throw;
        }
    }

    private static bool LooksLikeHfName(string name) => name.Contains('.', StringComparison.Ordinal);

    private static Tensor ToTensor(TensorProto proto, string source)
    {
        var shape = proto.Dims.ToArray();
        float[] values;
        if (proto.RawData.Length > 0)
        {
            values = MemoryMarshal.Cast<byte, float>(proto.RawData.Span).ToArray();
            if (!BitConverter.IsLittleEndian)
                throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this machine is not.");
        }
        else if (proto.FloatData.Count > 0)
        {
            values = proto.FloatData.ToArray();
        }
        else
        {
            throw new InvalidDataException(
                $"{source}: initializer '{proto.Name}' keeps its data outside the model file, which is not supported.");
        }
        if (values.LongLength != shape.Aggregate(1L, (a, b) => a * b))
            throw new InvalidDataException($"{source}: initializer '{proto.Name}' holds {values.Length} values for shape [{string.Join(", ", shape)}].");
        return tensor(values, shape);
    }
}
