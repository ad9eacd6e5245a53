using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;

namespace Microsoft.ML.Alter.Inference;

/// <summary>
/// Rows checked against a model's tasks and tokenized once: task index, label index (-1 when unlabeled) and tokens.
/// </summary>
internal sealed class EncodedRows
{
    private EncodedRows(int[] tasks, int[] labels, EncodedInput[] inputs)
    {
        Tasks = tasks;
        Labels = labels;
        Inputs = inputs;
    }

    public int[] Tasks { get; }

    public int[] Labels { get; }

    public EncodedInput[] Inputs { get; }

    public int Count => Inputs.Length;

    /// <summary>Labeled rows. Errors name the row (0-based, in the order given), its task and the problem.</summary>
    /// <param name="what">What the rows are, for messages ("training", "validation").</param>
    public static EncodedRows FromExamples(AlterModel model, IReadOnlyList<LabeledExample> rows, string what)
    {
        var tasks = new int[rows.Count];
        var labels = new int[rows.Count];
        var inputs = new EncodedInput[rows.Count];
        var labelIndex = model.Tasks.Select(t => t.Labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal)).ToList();
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            tasks[r] = TaskOf(model, row.Task, r, what);
            if (!labelIndex[tasks[r]].TryGetValue(row.Label ?? "", out labels[r]))
                throw new ArgumentException(
                    $"{what} row {r}: label '{row.Label}' was never seen for task '{row.Task}' in training; its labels are "
                    + string.Join(", ", model.Tasks[tasks[r]].Labels.Select(l => $"'{l}'")) + ".");
            inputs[r] = Encode(model, row.Text, row.Text2, r, row.Task, what);
        }
        return new EncodedRows(tasks, labels, inputs);
    }

    /// <summary>Unlabeled rows to score.</summary>
    public static EncodedRows FromInputs(AlterModel model, IReadOnlyList<TaskInput> rows)
    {
        var tasks = new int[rows.Count];
        var inputs = new EncodedInput[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            tasks[r] = TaskOf(model, rows[r].Task, r, "input");
            inputs[r] = Encode(model, rows[r].Text, rows[r].Text2, r, rows[r].Task, "input");
        }
        return new EncodedRows(tasks, Enumerable.Repeat(-1, rows.Count).ToArray(), inputs);
    }

    /// <summary>The rows of one task only.</summary>
    public EncodedRows OfTask(int task)
    {
        var keep = Enumerable.Range(0, Count).Where(i => Tasks[i] == task).ToArray();
        return new EncodedRows(keep.Select(i => Tasks[i]).ToArray(), keep.Select(i => Labels[i]).ToArray(), keep.Select(i => Inputs[i]).ToArray());
    }

    private static int TaskOf(AlterModel model, string? task, int row, string what)
    {
        if (RowCheck.Of(task, "-") == RowProblem.NoTask)
            throw new ArgumentException(RowCheck.Describe(RowProblem.NoTask, what, row, task));
        try
        {
            return model.TaskIndex(task!);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{what} row {row}: {e.Message}", e);
        }
    }

    private static EncodedInput Encode(AlterModel model, string? text, string? text2, int row, string task, string what)
    {
        if (RowCheck.Of(task, text) == RowProblem.NoText)
            throw new ArgumentException(RowCheck.Describe(RowProblem.NoText, what, row, task));
        return model.Tokenizer.Encode(text!, RowText.SecondOrNull(text2));
    }
}
