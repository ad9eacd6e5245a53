using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Serving;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>A row to score as read from an IDataView: its cursor position (for messages), task and text(s).</summary>
internal readonly record struct ScoringRow(long Position, string Task, string? Text1, string? Text2);

/// <summary>
/// Scores rows for both ML.NET paths (the batched Transform cursor and the row-at-a-time PredictionEngine mapper):
/// checks each row with messages that name the row, column and task, runs the network once per call through the core's
/// <see cref="AlterPredictor"/> (or, when given, an ONNX Runtime session of the exported model), and spreads each task's
/// probabilities onto the union label slots.
/// </summary>
internal sealed class RowScorer(AlterModel model, LabelSet labels, ScoringColumns columns, OnnxRuntimePredictor? onnx = null)
{
    private long _networkCalls;
    private long _paddedTokens;

    /// <summary>How many batches the network has run: tests use it to prove batching.</summary>
    public long NetworkCalls => Interlocked.Read(ref _networkCalls);

    /// <summary>Tokens the network has computed, padding included: tests use it to prove length sorting.</summary>
    public long PaddedTokens => Interlocked.Read(ref _paddedTokens);

    /// <summary>
    /// Fills <paramref name="predicted"/> (1-based union key, 0 for a missing prediction) and <paramref name="scores"/>,
    /// running the network on length-sorted batches of at most <paramref name="batchSize"/> rows.
    /// </summary>
    public void Score(IReadOnlyList<ScoringRow> rows, uint[] predicted, float[][] scores, int batchSize)
    {
        var known = new List<int>(rows.Count);
        var inputs = new List<TaskInput>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (string.IsNullOrWhiteSpace(row.Task))
                throw new InvalidOperationException($"Row {row.Position}: the task column '{columns.Task}' is empty.");
            var taskIndex = model.Config.Tasks.Count;
            for (var t = 0; t < model.Config.Tasks.Count; t++)
                if (string.Equals(model.Config.Tasks[t].Name, row.Task, StringComparison.Ordinal))
                    taskIndex = t;
            if (taskIndex == model.Config.Tasks.Count)
            {
                if (columns.UnknownTask == UnknownTaskHandling.Throw)
                    throw new InvalidOperationException(
                        $"Row {row.Position}: task '{row.Task}' (column '{columns.Task}') was not seen in training. This model serves "
                        + string.Join(", ", model.Config.Tasks.Select(t => $"'{t.Name}'"))
                        + $". Set {nameof(AlterEstimator.Options.UnknownTask)} = {nameof(UnknownTaskHandling.MissingPrediction)} to score such rows as missing.");
                predicted[i] = 0;
                var missing = scores[i] ??= new float[labels.Count];
                Array.Fill(missing, float.NaN);
                continue;
            }
            if (string.IsNullOrWhiteSpace(row.Text1))
                throw new InvalidOperationException($"Row {row.Position} (task '{row.Task}'): the text column '{columns.Text1}' is empty.");
            known.Add(i);
            // As in training, an empty second text is a single-sentence row.
            inputs.Add(new TaskInput(row.Task, row.Text1, string.IsNullOrWhiteSpace(row.Text2) ? null : row.Text2));
        }
        if (known.Count == 0)
            return;

        RowPrediction[] results;
        var encoded = EncodedRows.FromInputs(model, inputs);
        void Count(int[] batch)
        {
            Interlocked.Increment(ref _networkCalls);
            Interlocked.Add(ref _paddedTokens, (long)batch.Length * batch.Max(i => encoded.Inputs[i].Length));
        }
        // An ONNX Runtime session runs concurrent calls, so threads score in parallel. TorchSharp modules are not documented
        // as thread-safe (and inference switches the model to eval mode and back), so TorchSharp calls take turns.
        if (onnx is not null)
            results = onnx.Predict(encoded.Inputs, encoded.Tasks, batchSize, Count);
        else
            lock (model)
                results = AlterPredictor.Predict(model, encoded, batchSize, CancellationToken.None, Count);
        for (var k = 0; k < known.Count; k++)
        {
            var i = known[k];
            var result = results[k];
            var row = scores[i] ??= new float[labels.Count];
            Array.Clear(row);
            for (var local = 0; local < result.Probabilities.Length; local++)
                row[labels.Slot(result.Task, local)] = result.Probabilities[local];
            predicted[i] = (uint)labels.Slot(result.Task, result.PredictedLabel) + 1;
        }
    }
}
