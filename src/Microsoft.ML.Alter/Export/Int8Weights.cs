using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Export;

/// <summary>Symmetric per-output-column int8 quantization of an nn.Linear weight, for <see cref="OnnxQuantization.DynamicInt8"/>.</summary>
internal static class Int8Weights
{
    /// <summary>
    /// ±63, not ±127: with uint8 activations, a pair of u8×s8 products summed in 16 bits (AVX2 and AVX-512 without VNNI)
    /// stays below 32,767 only for 7-bit weights; ONNX Runtime's own quantizer calls this <c>reduce_range</c>.
    /// </summary>
    public const int Range = 63;

    /// <summary>Each row of an embedding table [rows, width] as int8 with its own scale (±127: no integer products follow).</summary>
    public static (sbyte[] Values, float[] Scales, long[] Dims) QuantizeRows(Tensor table)
    {
        using var scope = NewDisposeScope();
        var t = table.detach().to(ScalarType.Float32).cpu().contiguous();
        var (values, scales) = Symmetric(t, dim: 1, range: 127);
        return (values, scales, t.shape);
    }

    /// <summary>The weight [out, in] as int8 values of Wᵀ [in, out] (row-major), the scale of each output column, and the dims.</summary>
    public static (sbyte[] Values, float[] Scales, long[] Dims) Quantize(Tensor weight)
    {
        using var scope = NewDisposeScope();
        var transposed = weight.detach().to(ScalarType.Float32).cpu().t().contiguous();
        var (values, scales) = Symmetric(transposed, dim: 0, range: Range);
        return (values, scales, transposed.shape);
    }

    /// <summary>Scales over <paramref name="dim"/> (max |x| / range, one per slice across it) and the rounded values.</summary>
    private static (sbyte[] Values, float[] Scales) Symmetric(Tensor t, long dim, int range)
    {
        // An all-zero slice gets scale 1 (any scale gives 0) rather than a division by zero.
        var scale = t.abs().amax(new[] { dim }, keepdim: true) / range;
        scale = where(scale > 0, scale, ones_like(scale));
        var values = (t / scale).round().clamp(-range, range).to(ScalarType.Int8).data<sbyte>().ToArray();
        return (values, scale.flatten().data<float>().ToArray());
    }
}
