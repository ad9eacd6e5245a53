using Google.Protobuf;
using Microsoft.ML.Alter.Modeling;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Export;

/// <summary>
/// Exports an <see cref="AlterModel"/> (encoder, mixtures of task adapters of stage 1 or 2, heads) to a standard ONNX file
/// (opset 17, standard operators only) that ONNX Runtime and the servers built on it run without this library.
/// </summary>
/// <remarks>
/// Inputs and outputs are named in <see cref="AlterOnnxNames"/>; <c>metadata_props</c> holds <see cref="AlterOnnxMetadata"/>.
/// Tokenization is not in the graph: feed the WordPiece ids of the vocabulary in the metadata, as
/// <c>model.Tokenizer.Encode</c> gives them. The graph computes what eval mode computes (no dropout).
/// </remarks>
public static class AlterOnnxExporter
{
    public const int Opset = 17;

    /// <summary>Writes the file at <paramref name="path"/>, replacing it whole or not at all.</summary>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    /// <exception cref="ArgumentException">A task of <see cref="AlterOnnxExportOptions.Tasks"/> is unknown.</exception>
    /// <exception cref="IOException">The file cannot be written (the message names it).</exception>
    public static void Export(AlterModel model, string path, AlterOnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var bytes = ExportToBytes(model, options);
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot write the ONNX file '{full}': {e.Message}", e);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    /// <summary>Writes the file to <paramref name="stream"/>.</summary>
    public static void Export(AlterModel model, Stream stream, AlterOnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = ExportToBytes(model, options);
        stream.Write(bytes);
    }

    /// <summary>The ONNX file as bytes (what an ONNX Runtime session can be created from).</summary>
    public static byte[] ExportToBytes(AlterModel model, AlterOnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var weights = model.state_dict();
        if (weights.Values.Any(t => t.IsInvalid))
            throw new ObjectDisposedException(nameof(AlterModel), "The model was disposed; export it before disposing it (or its transformer).");
        var tasks = ExportedTasks.Select(model, options?.Tasks);
        var graph = new OnnxGraphBuilder();
        var quantization = options?.Quantization ?? OnnxQuantization.None;
        var layers = new OnnxLayers(graph, weights, quantization);
        using (no_grad())
        {
            var hidden = EncoderGraph.Write(layers, model, tasks, AlterOnnxNames.InputIds, AlterOnnxNames.AttentionMask, AlterOnnxNames.TokenTypeIds, AlterOnnxNames.TaskId);
            HeadsGraph.Write(layers, model, tasks, hidden, AlterOnnxNames.AttentionMask, AlterOnnxNames.TaskId);
        }
        const TensorProto.Types.DataType int64 = TensorProto.Types.DataType.Int64;
        graph.Graph.Input.Add(OnnxGraphBuilder.Value(AlterOnnxNames.InputIds, int64, "batch", "length"));
        graph.Graph.Input.Add(OnnxGraphBuilder.Value(AlterOnnxNames.AttentionMask, int64, "batch", "length"));
        graph.Graph.Input.Add(OnnxGraphBuilder.Value(AlterOnnxNames.TokenTypeIds, int64, "batch", "length"));
        graph.Graph.Input.Add(OnnxGraphBuilder.Value(AlterOnnxNames.TaskId, int64, "batch"));
        graph.Graph.Output.Add(OnnxGraphBuilder.Value(AlterOnnxNames.Probabilities, TensorProto.Types.DataType.Float, "batch", tasks.Width));
        graph.Graph.Output.Add(OnnxGraphBuilder.Value(AlterOnnxNames.Label, int64, "batch"));

        var metadata = new AlterOnnxMetadata
        {
            Tasks = tasks.Specs,
            LabelOffsets = tasks.Offsets,
            MaxLength = model.Tokenizer.MaxLength,
            LowerCase = model.Config.LowerCase,
            TokenizerVersion = model.Tokenizer.Version,
            Vocabulary = model.Vocabulary,
            Stage = model.Config.SharedExpertCount > 0 ? 2 : 1,
            BaseModel = model.Config.BaseModel,
            Quantization = quantization,
        };
        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Microsoft.ML.Alter",
            ProducerVersion = typeof(AlterOnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = "ALTER multi-task classifier. Inputs: input_ids, attention_mask, token_type_ids [batch, length] and task_id [batch], int64. "
                        + "Output probabilities [batch, labels of all tasks]: a row's task's labels at its offset (metadata alter.label_offsets), 0 elsewhere.",
            Graph = graph.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata.ToProperties())
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return proto.ToByteArray();
    }
}
