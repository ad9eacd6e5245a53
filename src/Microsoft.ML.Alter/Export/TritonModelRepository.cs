using System.Globalization;
using System.Text;
using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Export;

/// <summary>
/// Writes an exported model as one entry of a Triton Inference Server model repository for its ONNX Runtime backend:
/// <c>&lt;repository&gt;/&lt;name&gt;/config.pbtxt</c>, <c>&lt;name&gt;/1/model.onnx</c> and <c>&lt;name&gt;/vocab.txt</c> (for the clients' tokenizer).
/// </summary>
/// <remarks>
/// Triton batches along the first axis (<c>max_batch_size</c>), so dims leave it out; <c>task_id</c> and <c>label</c> are
/// one value per row, which Triton declares as dims [1] reshaped to the graph's rank-1 [batch]. The token inputs keep a
/// variable length (-1): rows of one request share it, and Triton's dynamic batching only joins requests of equal length.
/// </remarks>
public static class TritonModelRepository
{
    /// <returns>The model's folder.</returns>
    public static string Write(AlterModel model, string repository, string name = "alter", int maxBatchSize = 32, AlterOnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(repository);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (maxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, "Triton's max_batch_size must be positive here.");
        var bytes = AlterOnnxExporter.ExportToBytes(model, options);
        var width = ExportedTasks.Select(model, options?.Tasks).Width;
        var folder = Path.Combine(repository, name);
        Directory.CreateDirectory(Path.Combine(folder, "1"));
        File.WriteAllBytes(Path.Combine(folder, "1", "model.onnx"), bytes);
        File.WriteAllText(Path.Combine(folder, "config.pbtxt"), Config(name, width, maxBatchSize));
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), model.Vocabulary);
        return folder;
    }

    /// <summary>The config.pbtxt of an exported model whose probability output is <paramref name="width"/> wide.</summary>
    public static string Config(string name, int width, int maxBatchSize)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"name: \"{name}\"\nbackend: \"onnxruntime\"\nmax_batch_size: {maxBatchSize}\ninput [\n");
        text.AppendJoin(",\n", new[]
        {
            Tensor(AlterOnnxNames.InputIds, "TYPE_INT64", "-1"),
            Tensor(AlterOnnxNames.AttentionMask, "TYPE_INT64", "-1"),
            Tensor(AlterOnnxNames.TokenTypeIds, "TYPE_INT64", "-1"),
            Tensor(AlterOnnxNames.TaskId, "TYPE_INT64", "1", perRow: true),
        });
        text.Append("\n]\noutput [\n");
        text.AppendJoin(",\n", new[]
        {
            Tensor(AlterOnnxNames.Probabilities, "TYPE_FP32", width.ToString(CultureInfo.InvariantCulture)),
            Tensor(AlterOnnxNames.Label, "TYPE_INT64", "1", perRow: true),
        });
        text.Append("\n]\ndynamic_batching { }\n");
        return text.ToString();
    }

    private static string Tensor(string name, string type, string dims, bool perRow = false)
        => $"  {{\n    name: \"{name}\"\n    data_type: {type}\n    dims: [ {dims} ]\n" + (perRow ? "    reshape: { shape: [ ] }\n" : "") + "  }";
}
