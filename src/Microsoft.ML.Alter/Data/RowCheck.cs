using Microsoft.ML.Alter.Text;

namespace Microsoft.ML.Alter.Data;

/// <summary>What makes a row unusable, whichever path it comes by.</summary>
internal enum RowProblem
{
    None,

    /// <summary>No task name with a usable character.</summary>
    NoTask,

    /// <summary>A first text with nothing to tokenize (see <see cref="RowText.IsUsable(string?)"/>).</summary>
    NoText,

    /// <summary>A training row without a label.</summary>
    NoLabel,

    /// <summary>At scoring: a task the model does not serve.</summary>
    UnknownTask,
}

/// <summary>
/// The one validation rule for rows, used by the core's encoding and trainer, the ML.NET training reader and the ML.NET
/// scorer: a row needs a usable task and a usable first text (and, to train on, a label); a blank second text is not a
/// problem but makes a single-sentence row (<see cref="RowText.SecondOrNull"/>).
/// </summary>
internal static class RowCheck
{
    public static RowProblem Of(ReadOnlySpan<char> task, ReadOnlySpan<char> text)
        => !RowText.IsUsable(task) ? RowProblem.NoTask : !RowText.IsUsable(text) ? RowProblem.NoText : RowProblem.None;

    public static RowProblem Of(string? task, string? text) => Of(task.AsSpan(), text.AsSpan());

    public static RowProblem Of(LabeledExample row)
        => Of(row.Task, row.Text) is var problem and not RowProblem.None ? problem
            : string.IsNullOrEmpty(row.Label) ? RowProblem.NoLabel : RowProblem.None;

    /// <summary>
    /// The usable rows of <paramref name="rows"/> under <paramref name="policy"/>: all of them, or an exception naming the
    /// first bad row (<see cref="BadRowHandling.Throw"/>), or the others (<see cref="BadRowHandling.Skip"/>).
    /// </summary>
    /// <param name="what">What the rows are, for messages ("training", "validation").</param>
    public static IReadOnlyList<LabeledExample> Usable(IReadOnlyList<LabeledExample> rows, BadRowHandling policy, string what, out int skipped)
    {
        skipped = 0;
        List<LabeledExample>? kept = null;
        for (var r = 0; r < rows.Count; r++)
        {
            var problem = Of(rows[r]);
            if (problem == RowProblem.None)
            {
                kept?.Add(rows[r]);
                continue;
            }
            if (policy == BadRowHandling.Throw)
                throw new ArgumentException(Describe(problem, what, r, rows[r].Task) + $" (Set BadRows = {nameof(BadRowHandling.Skip)} to skip such rows.)");
            kept ??= rows.Take(r).ToList();
            skipped++;
        }
        return kept ?? rows;
    }

    /// <summary>The core's message for a bad row (0-based, in the order given).</summary>
    public static string Describe(RowProblem problem, string what, long row, string? task) => problem switch
    {
        RowProblem.NoTask => $"{what} row {row} has no task.",
        RowProblem.NoText => $"{what} row {row} (task '{task}') has an empty text (or only whitespace, control or zero-width characters).",
        RowProblem.NoLabel => $"{what} row {row} (task '{task}') has no label.",
        _ => throw new ArgumentOutOfRangeException(nameof(problem)),
    };
}
