using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Inference;

/// <summary>
/// Scores rows with an <see cref="AlterModel"/>: eval mode, no autograd, length-sorted batches with dynamic padding,
/// rows of all tasks in the same batch (the encoder runs once; each task's head sees its own rows).
/// </summary>
public static class AlterPredictor
{
    public static RowPrediction[] Predict(AlterModel model, IReadOnlyList<TaskInput> rows, int batchSize = 32, CancellationToken cancellation = default)
        => Predict(model, EncodedRows.FromInputs(model, rows), batchSize, cancellation);

    internal static RowPrediction[] Predict(AlterModel model, EncodedRows rows, int batchSize = 32, CancellationToken cancellation = default)
        => Predict(model, rows, batchSize, cancellation, batchScored: null);

    /// <param name="batchScored">Told the row indices of every batch the network ran (the ML.NET scorer counts batches and padding with it).</param>
    internal static RowPrediction[] Predict(AlterModel model, EncodedRows rows, int batchSize, CancellationToken cancellation, Action<int[]>? batchScored)
    {
        model.ThrowIfDisposed();
        var result = new RowPrediction[rows.Count];
        var device = model.parameters().First().device;
        InferenceLoop.Run(model, rows.Inputs.Select(i => i.Length).ToList(), batchSize, cancellation, indices =>
        {
            batchScored?.Invoke(indices);
            var batchTasks = indices.Select(i => rows.Tasks[i]).ToArray();
            using var batch = TokenBatch.Create(indices.Select(i => rows.Inputs[i]).ToList(), model.Tokenizer.PaddingId, device);
            var taskIds = tensor(batchTasks.Select(t => (long)t).ToArray(), device: device);
            var pooled = model.Pooled(batch, taskIds);
            foreach (var (task, positions, logits) in model.HeadLogitsByTask(pooled, batchTasks))
            {
                var probabilities = softmax(logits, 1).cpu();
                var labels = (int)probabilities.shape[1];
                var flat = probabilities.data<float>().ToArray();
                for (var k = 0; k < positions.Length; k++)
                {
                    var p = flat.AsSpan(k * labels, labels).ToArray();
                    result[indices[positions[k]]] = new RowPrediction(task, p, ArgMax(p));
                }
            }
        });
        return result;
    }

    internal static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }
}
