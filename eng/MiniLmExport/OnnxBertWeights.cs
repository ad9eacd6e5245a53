using System.Runtime.InteropServices;
using Onnx;

namespace Microsoft.ML.Alter.Build.MiniLmExport;

/// <summary>
/// Reads the weights of a BERT encoder exported to ONNX (the Hugging Face / sentence-transformers export) as a
/// Hugging Face state dict. Named initializers already carry HF names; the exporter left the projection matrices
/// unnamed, as the second inputs of MatMul nodes in graph order (query, key, value, attention output,
/// intermediate, output per layer), stored [in, out].
/// </summary>
internal static class OnnxBertWeights
{
    private static readonly string[] MatMulWeightNames =
    {
        "attention.self.query.weight", "attention.self.key.weight", "attention.self.value.weight",
        "attention.output.dense.weight", "intermediate.dense.weight", "output.dense.weight",
    };

    public static SortedDictionary<string, (long[] Shape, float[] Values)> Read(byte[] onnx, int layers)
    {
        var graph = ModelProto.Parser.ParseFrom(onnx).Graph ?? throw new InvalidDataException("The ONNX model has no graph.");
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var weights = new SortedDictionary<string, (long[], float[])>(StringComparer.Ordinal);
        foreach (var init in graph.Initializer)
            if (init.DataType == (int)TensorProto.Types.DataType.Float && LooksLikeHfName(init.Name))
                weights[init.Name] = (init.Dims.ToArray(), Values(init));

        var unnamed = graph.Node
            .Where(n => n.OpType == "MatMul" && n.Input.Count == 2 && initializers.TryGetValue(n.Input[1], out var w)
                        && !LooksLikeHfName(w.Name) && w.Dims.Count == 2)
            .Select(n => initializers[n.Input[1]])
            .ToList();
        var expected = MatMulWeightNames.Length * layers;
        if (unnamed.Count != expected)
            throw new InvalidDataException(
                $"Expected {expected} weight-matrix MatMul nodes for {layers} layers, found {unnamed.Count}. Is this an ONNX export of a BERT encoder?");
        for (var i = 0; i < unnamed.Count; i++)
        {
            var name = $"encoder.layer.{i / MatMulWeightNames.Length}.{MatMulWeightNames[i % MatMulWeightNames.Length]}";
            // ONNX multiplies x·W with W [in, out]; nn.Linear keeps W as [out, in].
            var (rows, cols) = ((int)unnamed[i].Dims[0], (int)unnamed[i].Dims[1]);
            var inOut = Values(unnamed[i]);
            var outIn = new float[inOut.Length];
            for (var r = 0; r < rows; r++)
                for (var c = 0; c < cols; c++)
                    outIn[c * rows + r] = inOut[r * cols + c];
            weights[name] = (new long[] { cols, rows }, outIn);
        }
        return weights;
    }

    private static bool LooksLikeHfName(string name) => name.Contains('.', StringComparison.Ordinal);

    private static float[] Values(TensorProto proto)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this machine is not.");
        var values = proto.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(proto.RawData.Span).ToArray() : proto.FloatData.ToArray();
        if (values.LongLength != proto.Dims.Aggregate(1L, (a, b) => a * b))
            throw new InvalidDataException($"Initializer '{proto.Name}' holds {values.Length} values for shape [{string.Join(", ", proto.Dims)}].");
        return values;
    }
}
