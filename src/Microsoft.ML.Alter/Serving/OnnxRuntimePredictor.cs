using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Export;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Alter.Serving;

/// <summary>
/// Scores rows with an ONNX Runtime session of an exported ALTER graph instead of TorchSharp: the same length-sorted,
/// dynamically padded batches of mixed tasks as <see cref="AlterPredictor"/>, the same <see cref="RowPrediction"/>s.
/// </summary>
/// <remarks>
/// Thread-safe without a global lock: ONNX Runtime sessions may run concurrently, and every call owns its buffers; calls
/// share a reader lock that only <see cref="Dispose"/> takes exclusively, so Dispose waits for running calls instead of
/// freeing the native session under them, and later calls throw <see cref="ObjectDisposedException"/>. Tokenization
/// uses the vocabulary, lower-casing and maximum length stored in the file, so a file alone is enough to serve.
/// </remarks>
public sealed class OnnxRuntimePredictor : IDisposable
{
    private static readonly string[] OutputNames = { AlterOnnxNames.Probabilities };
    private readonly InferenceSession _session;
    private readonly Dictionary<string, int> _taskIndex;
    private readonly ReaderWriterLockSlim _running = new();
    private bool _disposed;

    private OnnxRuntimePredictor(InferenceSession session, string source)
    {
        _session = session;
        try
        {
            Metadata = AlterOnnxMetadata.FromProperties(session.ModelMetadata.CustomMetadataMap, source);
            Tokenizer = new BertTextTokenizer(Metadata.Vocabulary, Metadata.LowerCase, Metadata.MaxLength, Metadata.TokenizerVersion);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        _taskIndex = Metadata.Tasks.Select((t, i) => (t.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
    }

    /// <summary>The tasks, labels and tokenization the file was exported with.</summary>
    public AlterOnnxMetadata Metadata { get; }

    /// <summary>The tokenizer the file's metadata describes.</summary>
    internal BertTextTokenizer Tokenizer { get; }

    /// <summary>Opens an exported file. <paramref name="options"/>: ONNX Runtime's (default: every graph optimization).</summary>
    public static OnnxRuntimePredictor Load(string path, SessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"The ONNX file '{path}' does not exist.", path);
        return Open(o => new InferenceSession(path, o), options, path);
    }

    /// <summary>Exports <paramref name="model"/> in memory and opens a session of it.</summary>
    public static OnnxRuntimePredictor FromModel(AlterModel model, SessionOptions? options = null, AlterOnnxExportOptions? export = null)
    {
        var bytes = AlterOnnxExporter.ExportToBytes(model, export);
        return Open(o => new InferenceSession(bytes, o), options, "the exported model");
    }

    private static OnnxRuntimePredictor Open(Func<SessionOptions, InferenceSession> create, SessionOptions? options, string source)
    {
        if (options is not null)
            return new OnnxRuntimePredictor(create(options), source);
        using var defaults = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        return new OnnxRuntimePredictor(create(defaults), source);
    }

    /// <summary>Index of a task in the file, or an exception naming it and the tasks the file serves.</summary>
    public int TaskIndex(string task)
        => _taskIndex.TryGetValue(task, out var index)
            ? index
            : throw new ArgumentException($"Unknown task '{task}'. This file serves: {string.Join(", ", Metadata.Tasks.Select(t => $"'{t.Name}'"))}.");

    /// <summary>Tokenizes and scores rows; <see cref="RowPrediction.Task"/> is the task's index in <see cref="Metadata"/>.</summary>
    public RowPrediction[] Predict(IReadOnlyList<TaskInput> rows, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var tasks = new int[rows.Count];
        var inputs = new EncodedInput[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (string.IsNullOrWhiteSpace(row.Text))
                throw new ArgumentException($"input row {r} (task '{row.Task}') has an empty text.");
            tasks[r] = TaskIndex(row.Task);
            inputs[r] = Tokenizer.Encode(row.Text, row.Text2);
        }
        return Predict(inputs, tasks, batchSize);
    }

    /// <summary>Scores tokenized rows of tasks given by index.</summary>
    /// <param name="batchScored">Told the row indices of every batch the session ran.</param>
    internal RowPrediction[] Predict(IReadOnlyList<EncodedInput> inputs, IReadOnlyList<int> tasks, int batchSize = 32, Action<int[]>? batchScored = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(tasks);
        if (inputs.Count != tasks.Count)
            throw new ArgumentException($"{inputs.Count} inputs but {tasks.Count} task indices.", nameof(tasks));
        _running.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Score(inputs, tasks, batchSize, batchScored);
        }
        finally
        {
            _running.ExitReadLock();
        }
    }

    private RowPrediction[] Score(IReadOnlyList<EncodedInput> inputs, IReadOnlyList<int> tasks, int batchSize, Action<int[]>? batchScored)
    {
        var result = new RowPrediction[inputs.Count];
        var offsets = Metadata.LabelOffsets;
        foreach (var indices in LengthBatches.Sorted(inputs.Select(i => i.Length).ToList(), batchSize))
        {
            batchScored?.Invoke(indices);
            var rows = indices.Length;
            var length = indices.Max(i => inputs[i].Length);
            var ids = new long[rows * length];
            var mask = new long[rows * length];
            var types = new long[rows * length];
            var taskIds = new long[rows];
            Array.Fill(ids, Tokenizer.PaddingId);
            for (var r = 0; r < rows; r++)
            {
                var input = inputs[indices[r]];
                var task = tasks[indices[r]];
                if (task < 0 || task >= Metadata.Tasks.Count)
                    throw new ArgumentOutOfRangeException(nameof(tasks), task, $"Row {indices[r]}: task index {task} is not one of the file's {Metadata.Tasks.Count} tasks.");
                taskIds[r] = task;
                for (var j = 0; j < input.Length; j++)
                {
                    ids[r * length + j] = input.InputIds[j];
                    types[r * length + j] = input.TokenTypeIds[j];
                    mask[r * length + j] = 1;
                }
            }
            long[] shape = { rows, length };
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
            using var tasksValue = OrtValue.CreateTensorValueFromMemory(taskIds, new long[] { rows });
            var feeds = new Dictionary<string, OrtValue>
            {
                [AlterOnnxNames.InputIds] = idsValue,
                [AlterOnnxNames.AttentionMask] = maskValue,
                [AlterOnnxNames.TokenTypeIds] = typesValue,
                [AlterOnnxNames.TaskId] = tasksValue,
            };
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, feeds, OutputNames);
            var probabilities = outputs[0].GetTensorDataAsSpan<float>();
            var width = Metadata.Width;
            for (var r = 0; r < rows; r++)
            {
                var task = (int)taskIds[r];
                var own = probabilities.Slice(r * width + offsets[task], Metadata.Tasks[task].Labels.Count).ToArray();
                result[indices[r]] = new RowPrediction(task, own, AlterPredictor.ArgMax(own));
            }
        }
        return result;
    }

    /// <summary>Waits for running calls, then releases the session. Safe to call twice.</summary>
    public void Dispose()
    {
        _running.EnterWriteLock();
        try
        {
            if (_disposed)
                return;
            _disposed = true;
            _session.Dispose();
        }
        finally
        {
            _running.ExitWriteLock();
        }
    }
}
