using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Export;

/// <summary>
/// Appends nodes and initializers to an ONNX graph (opset 17, standard domain only) and hands out unique value names,
/// so the graph writers can compose operators like tensor code.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private int _next;

    public GraphProto Graph { get; } = new() { Name = "alter" };

    /// <summary>A float32 initializer holding a copy of <paramref name="weight"/> (transposed [in, out] for MatMul when asked).</summary>
    public string Weight(string name, Tensor weight, bool transpose = false)
    {
        using var scope = NewDisposeScope();
        var t = weight.detach().to(ScalarType.Float32).cpu();
        if (transpose)
            t = t.t();
        return Floats(name, t.contiguous().data<float>().ToArray(), t.shape);
    }

    public string Floats(string name, float[] values, params long[] dims)
        => Initializer(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public string Longs(string name, long[] values, params long[] dims)
        => Initializer(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public string Int8s(string name, sbyte[] values, params long[] dims)
        => Initializer(name, TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    public string Bools(string name, bool[] values, params long[] dims)
        => Initializer(name, TensorProto.Types.DataType.Bool, MemoryMarshal.AsBytes(values.AsSpan()), dims);

    /// <summary>A scalar float constant.</summary>
    public string Scalar(float value) => Floats(Fresh("const"), new[] { value });

    /// <summary>A 1-D int64 constant (axes, shapes, slice bounds).</summary>
    public string Ints(params long[] values) => Longs(Fresh("ints"), values, values.Length);

    private string Initializer(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this machine is not.");
        var proto = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        proto.Dims.AddRange(dims);
        Graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Adds a node with one output and returns that output's name.</summary>
    public string Node(string op, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = Fresh(op);
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    public string Node(string op, params string[] inputs) => Node(op, (IEnumerable<string>)inputs);

    /// <summary>Adds a node with three outputs (e.g. DynamicQuantizeLinear: values, scale, zero point).</summary>
    public (string, string, string) Node3(string op, params string[] inputs)
    {
        var name = Fresh(op);
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(new[] { name + "_0", name + "_1", name + "_2" });
        Graph.Node.Add(node);
        return (node.Output[0], node.Output[1], node.Output[2]);
    }

    /// <summary>Renames the output of the last node to a graph output name.</summary>
    public void NameLastOutput(string name)
    {
        var node = Graph.Node[^1];
        node.Output[0] = name;
    }

    public string Fresh(string hint) => $"{hint}_{_next++}";

    public static AttributeProto Attribute(string name, long value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value)
        => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A graph input or output of a tensor type; a string dimension is symbolic.</summary>
    public static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string symbol
                ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
