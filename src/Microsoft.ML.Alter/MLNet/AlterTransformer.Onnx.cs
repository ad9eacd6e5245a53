using Microsoft.ML.Alter.Export;
using Microsoft.ML.Alter.Serving;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

public sealed partial class AlterTransformer
{
    /// <summary>
    /// Writes the model as a standard ONNX file (opset 17) that ONNX Runtime and the servers built on it run without this
    /// library: inputs are token ids, attention mask, token types and each row's task index; the output is each row's
    /// probabilities over every task's labels (see <see cref="AlterOnnxExporter"/>; the tasks, labels and tokenizer settings
    /// are in the file's metadata, <see cref="AlterOnnxMetadata"/>).
    /// </summary>
    /// <remarks>
    /// This is the ONNX export of the ALTER transformer. ML.NET's <c>mlContext.Model.ConvertToOnnx</c> cannot do it (the
    /// graph's inputs are token ids, not the text columns) and throws a <see cref="NotSupportedException"/> naming this method.
    /// </remarks>
    /// <param name="path">The .onnx file to write (replaced whole, or not at all).</param>
    /// <param name="options">Which tasks to export; default all.</param>
    public void ExportToOnnx(string path, AlterOnnxExportOptions? options = null)
    {
        Host.CheckNonWhiteSpace(path, nameof(path));
        AlterOnnxExporter.Export(_model, path, options);
    }

    /// <summary>
    /// The same trained model, scored by an ONNX Runtime session of its exported graph instead of TorchSharp: the same outputs
    /// (within 1e-4), <c>Transform</c> batched as before, and no lock, so PredictionEngines on several threads score in
    /// parallel. Needs ONNX Runtime's native library in the application (package Microsoft.ML.OnnxRuntime, or .Gpu).
    /// </summary>
    /// <remarks>
    /// Both transformers share the model: dispose the returned one, which releases the session and the model. The choice
    /// is not saved with the transformer: a loaded one scores with TorchSharp until this is called on it.
    /// </remarks>
    /// <param name="options">ONNX Runtime's session options (threads, execution providers); default: every graph optimization.</param>
    /// <param name="quantization"><see cref="OnnxQuantization.DynamicInt8"/> scores an int8 export: faster, not exact.</param>
    public AlterTransformer WithOnnxRuntimeScoring(SessionOptions? options = null, OnnxQuantization quantization = OnnxQuantization.None)
        => new(Host, _model, _labels, _columns,
            _onnx ?? OnnxRuntimePredictor.FromModel(_model, options, new AlterOnnxExportOptions { Quantization = quantization }));

    /// <summary>True when rows are scored by ONNX Runtime (<see cref="WithOnnxRuntimeScoring"/>), false for TorchSharp.</summary>
    public bool ScoresWithOnnxRuntime => _onnx is not null;
}
