using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Stops ML.NET's <c>ConvertToOnnx</c> with an error instead of a silent partial file. The converter walks back from the
/// pipeline's output through <see cref="IDataTransform"/>s and starts the graph at the first view it cannot walk through or
/// that says it cannot be saved, without an error: a plain <see cref="IDataView"/> here made it write only the steps after
/// ALTER, taking PredictedLabel and Score as graph inputs. As a transform that claims to save itself and then throws, the
/// walk reaches this view and fails, naming the export that does work.
/// </summary>
internal sealed partial class BatchScoringDataView : IDataTransform, ITransformCanSaveOnnx
{
    public IDataView Source => _input;

    bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => throw NotExportable();

    void ISaveAsOnnx.SaveAsOnnx(OnnxContext ctx) => throw NotExportable();

    void ICanSaveModel.Save(ModelSaveContext ctx)
        => throw new NotSupportedException($"Save the ALTER transformer with mlContext.Model.Save, not its scored data view.");

    private static NotSupportedException NotExportable() => new(
        "ML.NET's ConvertToOnnx cannot convert the ALTER transformer: its graph takes token ids, not text columns. Use "
        + $"{nameof(AlterTransformer)}.{nameof(AlterTransformer.ExportToOnnx)}(path) (or Microsoft.ML.Alter.Export.AlterOnnxExporter.Export for the "
        + "core model) and tokenize with the vocabulary stored in the file's metadata.");
}
