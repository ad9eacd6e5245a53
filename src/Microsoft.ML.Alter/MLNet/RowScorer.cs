using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Serving;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>A row to score as read from an IDataView: its cursor position (for messages), task and text(s).</summary>
internal readonly record struct ScoringRow(long Position, string Task, string? Text, string? Text2);

/// <summary>
/// Scores rows for both ML.NET paths (the batched Transform cursor and the row-at-a-time PredictionEngine mapper):
/// checks each row with messages that name the row, column and task, runs the network once per call through the core's
/// <see cref="AlterPredictor"/> (or, when given, an ONNX Runtime session of the exported model), and spreads each task's
/// probabilities onto the union label slots.
/// </summary>
internal sealed class RowScorer(AlterModel model, LabelSet labels, ScoringSettings columns, OnnxRuntimePredictor? onnx = null)
{
    private long _networkCalls;
    private long _paddedTokens;

    /// <summary>How many batches the network has run: tests use it to prove batching.</summary>
    public long NetworkCalls => Interlocked.Read(ref _networkCalls);

    /// <summary>Tokens the network has computed, padding included: tests use it to prove length sorting.</summary>
    public long PaddedTokens => Interlocked.Read(ref _paddedTokens);

    /// <summary>
    /// Fills <paramref name="predicted"/> (1-based union key, 0 for a missing prediction) and <paramref name="scores"/>,
    /// running the network on length-sorted batches of at most <paramref name="batchSize"/> rows. Rows that cannot be scored
    /// are missing predictions counted in <paramref name="missing"/>, or throw, as <see cref="ScoringSettings"/> says.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The transformer (its model) was disposed.</exception>
    public void Score(IReadOnlyList<ScoringRow> rows, uint[] predicted, float[][] scores, int batchSize, MissingPredictions? missing = null)
    {
        missing ??= new MissingPredictions();
        var known = new List<int>(rows.Count);
        var inputs = new List<TaskInput>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            switch (Check(row))
            {
                case RowProblem.None:
                    known.Add(i);
                    inputs.Add(new TaskInput(row.Task, row.Text!, RowText.SecondOrNull(row.Text2)));
                    continue;
                case RowProblem.NoTask:
                    missing.NoTask++;
                    break;
                case RowProblem.UnknownTask:
                    missing.UnknownTask++;
                    break;
                default:
                    missing.NoText++;
                    break;
            }
            SetMissing(i);
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
        // The model's thread-safety rule: AlterModel.InTurn.
        if (onnx is not null)
        {
            ObjectDisposedException.ThrowIf(model.IsDisposed, typeof(AlterTransformer));
            results = onnx.Predict(encoded.Inputs, encoded.Tasks, batchSize, Count);
        }
        else
            results = model.InTurn(() =>
            {
                ObjectDisposedException.ThrowIf(model.IsDisposed, typeof(AlterTransformer));
                return AlterPredictor.Predict(model, encoded, batchSize, CancellationToken.None, Count);
            });
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

        void SetMissing(int i)
        {
            predicted[i] = 0;
            Array.Fill(scores[i] ??= new float[labels.Count], float.NaN);
        }
    }

    /// <summary>
    /// What keeps <paramref name="row"/> from being scored, if anything (the rule of <see cref="RowCheck"/>, plus a task the
    /// model does not serve); throws instead when <see cref="ScoringSettings"/> asks for that problem to be an error (the
    /// message names the row, column and task).
    /// </summary>
    public RowProblem Check(in ScoringRow row)
    {
        var problem = RowCheck.Of(row.Task, row.Text);
        if (problem == RowProblem.NoTask)
        {
            if (columns.BadRows == BadRowHandling.Throw)
                throw new InvalidOperationException($"Row {row.Position}: the task column '{columns.Task}' is empty.");
            return RowProblem.NoTask;
        }
        if (!model.TryGetTaskIndex(row.Task, out _))
        {
            if (columns.UnknownTask == UnknownTaskHandling.Throw)
                throw new InvalidOperationException(
                    $"Row {row.Position}: task '{row.Task}' (column '{columns.Task}') was not seen in training. This model serves "
                    + string.Join(", ", model.Config.Tasks.Select(t => $"'{t.Name}'"))
                    + $". Set {nameof(AlterEstimator.Options.UnknownTask)} = {nameof(UnknownTaskHandling.MissingPrediction)} to score such rows as missing.");
            return RowProblem.UnknownTask;
        }
        if (problem == RowProblem.NoText)
        {
            if (columns.BadRows == BadRowHandling.Throw)
                throw new InvalidOperationException(
                    $"Row {row.Position} (task '{row.Task}'): the text column '{columns.Text}' is empty (or only whitespace, control or zero-width characters).");
            return RowProblem.NoText;
        }
        return RowProblem.None;
    }

    /// <summary>Whether any row problem is an error rather than a missing prediction.</summary>
    public bool Strict => columns.BadRows == BadRowHandling.Throw || columns.UnknownTask == UnknownTaskHandling.Throw;
}
