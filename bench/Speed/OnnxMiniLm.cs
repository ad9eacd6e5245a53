using Microsoft.ML.Alter.Build.MiniLmExport;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Microsoft.ML.Alter.Bench.Speed;

/// <summary>
/// ONNX Runtime running the embedded MiniLM graph (last_hidden_state), fed padded int64 batches built straight from the
/// tokenizer's ids: the encoder-only reference that ALTER's serving speed is compared with.
/// </summary>
internal sealed class OnnxMiniLm : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;

    public OnnxMiniLm(int threads)
    {
        _options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(OnnxPackageResources.ReadModel(), _options);
        Threads = threads;
    }

    public int Threads { get; }

    /// <summary>Runs one batch, padded to its longest input as ALTER's own batches are.</summary>
    public void Run(IReadOnlyList<EncodedInput> batch, int paddingId)
    {
        var length = batch.Max(i => i.Length);
        var ids = new long[batch.Count * length];
        var mask = new long[batch.Count * length];
        var types = new long[batch.Count * length];
        Array.Fill(ids, paddingId);
        for (var r = 0; r < batch.Count; r++)
            for (var t = 0; t < batch[r].Length; t++)
            {
                ids[r * length + t] = batch[r].InputIds[t];
                mask[r * length + t] = 1;
                types[r * length + t] = batch[r].TokenTypeIds[t];
            }
        int[] shape = { batch.Count, length };
        using var results = _session.Run(new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(mask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(types, shape)),
        }, new[] { "last_hidden_state" });
    }

    public void Dispose()
    {
        _session.Dispose();
        _options.Dispose();
    }
}
