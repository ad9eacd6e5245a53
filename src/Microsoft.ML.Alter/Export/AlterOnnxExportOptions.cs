namespace Microsoft.ML.Alter.Export;

/// <summary>Options of <see cref="AlterOnnxExporter"/>.</summary>
public sealed record AlterOnnxExportOptions
{
    /// <summary>
    /// The tasks to export, in the task_id order of the file. Null (default): every task, in model order. A subset leaves
    /// out the other tasks' heads and selector rows, and the experts none of its tasks weighs above 0.
    /// </summary>
    public IReadOnlyList<string>? Tasks { get; init; }

    /// <summary>float32 weights (default), or int8 weights with dynamic activation quantization: smaller and faster, not exact.</summary>
    public OnnxQuantization Quantization { get; init; } = OnnxQuantization.None;
}
