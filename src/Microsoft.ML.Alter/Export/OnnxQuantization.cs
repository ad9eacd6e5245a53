namespace Microsoft.ML.Alter.Export;

/// <summary>How <see cref="AlterOnnxExporter"/> stores the weights of the model's linear layers.</summary>
public enum OnnxQuantization
{
    /// <summary>float32 weights: the graph computes what the TorchSharp model computes (within 1e-4).</summary>
    None,

    /// <summary>
    /// Dynamic int8 quantization, as ONNX Runtime's <c>quantize_dynamic</c> does: every linear layer of the encoder, the
    /// mixtures and the gate keeps its weights as int8, one symmetric scale per output column, and quantizes its input
    /// per batch at run time (<c>DynamicQuantizeLinear</c> → <c>MatMulInteger</c>, standard opset-17 operators). The task
    /// heads stay float32 (they are tiny and decide the label). Weights use 7 bits (±63) so that the u8×s8 products of
    /// CPUs without VNNI instructions cannot saturate; the file is about a quarter of the float32 one.
    /// </summary>
    DynamicInt8,
}
