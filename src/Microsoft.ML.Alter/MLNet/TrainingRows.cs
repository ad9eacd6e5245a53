using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Reads an IDataView into the core's labeled rows: task, text(s) and the label's key value text. Rows are read once and
/// held in memory (the core samples tasks and shuffles per epoch). Bad rows are skipped and counted in one warning, or
/// throw (<see cref="AlterEstimator.Options.BadRows"/>); errors name the data set, the 0-based row, the column and the task.
/// </summary>
internal static class TrainingRows
{
    /// <param name="what">"training" or "validation", for messages.</param>
    /// <param name="allowTextLabel">Accept a text label column as well as a key (validation data).</param>
    public static List<LabeledExample> Read(IHost host, IChannel channel, IDataView data, AlterEstimator.Options options, string what,
        out string[] labelNames, bool allowTextLabel = false)
    {
        var schema = data.Schema;
        var taskIndex = SchemaChecks.RequireText(host, schema, "task", options.TaskColumnName);
        var text1Index = SchemaChecks.RequireText(host, schema, "sentence1", options.Sentence1ColumnName);
        var text2Index = options.Sentence2ColumnName is null ? -1 : SchemaChecks.RequireText(host, schema, "sentence2", options.Sentence2ColumnName);
        // Before the label check: MapValueToKey over no rows makes a key without values, and the label check's advice
        // ("use MapValueToKey") would send the user the wrong way.
        if (!HasRows(data))
            throw host.Except($"The {what} data has no rows.");
        // The validation set does not pass through the pipeline's earlier transforms, so its label may still be the raw
        // text: labels are matched by name anyway. Training labels must be keys (their key values define the outputs).
        var textLabel = allowTextLabel && schema.GetColumnOrNull(options.LabelColumnName)?.Type is TextDataViewType;
        if (!textLabel)
            SchemaChecks.RequireKeyLabel(host, schema, options.LabelColumnName);
        var label = schema[options.LabelColumnName];
        labelNames = textLabel ? Array.Empty<string>() : SchemaChecks.KeyValues(label);

        var columns = new List<DataViewSchema.Column> { schema[taskIndex], schema[text1Index], label };
        if (text2Index >= 0)
            columns.Add(schema[text2Index]);
        var rows = new List<LabeledExample>();
        using var cursor = data.GetRowCursor(columns);
        var getTask = cursor.GetGetter<ReadOnlyMemory<char>>(schema[taskIndex]);
        var getText1 = cursor.GetGetter<ReadOnlyMemory<char>>(schema[text1Index]);
        var getText2 = text2Index >= 0 ? cursor.GetGetter<ReadOnlyMemory<char>>(schema[text2Index]) : null;
        var getLabel = textLabel ? null : cursor.GetGetter<uint>(label);
        var getLabelText = textLabel ? cursor.GetGetter<ReadOnlyMemory<char>>(label) : null;
        ReadOnlyMemory<char> task = default, text1 = default, text2 = default, labelText = default;
        uint key = 0;
        int noTask = 0, noText = 0, noLabel = 0;
        long row = -1;

        bool Bad(ref int count, string message)
        {
            if (options.BadRows == BadRowHandling.Throw)
                throw host.Except(message + $" (Set {nameof(AlterEstimator.Options.BadRows)} = {nameof(BadRowHandling.Skip)} to skip such rows.)");
            count++;
            return true;
        }

        while (cursor.MoveNext())
        {
            host.CheckAlive();
            row++;
            getTask(ref task);
            getText1(ref text1);
            var problem = RowCheck.Of(task.Span, text1.Span);
            if (problem == RowProblem.NoTask && Bad(ref noTask, $"{what} row {row}: the task column '{options.TaskColumnName}' is empty."))
                continue;
            var taskName = task.ToString();
            if (problem == RowProblem.NoText && Bad(ref noText,
                    $"{what} row {row} (task '{taskName}'): the text column '{options.Sentence1ColumnName}' is empty (or only whitespace, control or zero-width characters)."))
                continue;
            string? second = null;
            if (getText2 is not null)
            {
                getText2(ref text2);
                second = RowText.SecondOrNull(text2.ToString());
            }
            string labelName;
            if (getLabelText is not null)
            {
                getLabelText(ref labelText);
                if (!RowText.IsUsable(labelText.Span) && Bad(ref noLabel, $"{what} row {row} (task '{taskName}'): the label column '{options.LabelColumnName}' is empty."))
                    continue;
                labelName = labelText.ToString();
            }
            else
            {
                getLabel!(ref key);
                if ((key == 0 || key > labelNames.Length) && Bad(ref noLabel, $"{what} row {row} (task '{taskName}'): the label column '{options.LabelColumnName}' is missing "
                                                                      + "(key 0: a value the MapValueToKey mapping did not know, or an empty label)."))
                    continue;
                labelName = labelNames[key - 1];
            }
            rows.Add(new LabeledExample(taskName, text1.ToString(), second, labelName));
        }
        var skipped = noTask + noText + noLabel;
        var reasons = string.Join(", ", new[]
        {
            noTask > 0 ? $"{noTask} with an empty task column '{options.TaskColumnName}'" : null,
            noText > 0 ? $"{noText} with no usable text in '{options.Sentence1ColumnName}' (empty, or only whitespace, control or zero-width characters)" : null,
            noLabel > 0 ? $"{noLabel} with a missing label in '{options.LabelColumnName}'" : null,
        }.OfType<string>());
        if (rows.Count == 0)
            throw host.Except($"The {what} data has no usable rows: all {skipped} were skipped ({reasons}).");
        if (skipped > 0)
            channel.Warning($"Skipped {skipped} of {row + 1} {what} rows: {reasons}. "
                            + $"Set {nameof(AlterEstimator.Options.BadRows)} = {nameof(BadRowHandling.Throw)} to stop at the first instead.");
        return rows;
    }

    /// <summary>
    /// Warns about task names that differ only in case or surrounding spaces ('Sentiment' and 'sentiment '): they are
    /// trained as separate tasks, as task names compare ordinally everywhere, which is rarely what the data meant.
    /// </summary>
    public static void WarnNearDuplicateTasks(IChannel channel, IEnumerable<LabeledExample> rows)
    {
        var groups = rows.Select(r => r.Task).Distinct(StringComparer.Ordinal)
            .GroupBy(t => t.Trim(), StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1);
        foreach (var group in groups)
            channel.Warning($"Tasks {string.Join(" and ", group.Select(t => $"'{t}'"))} differ only in case or surrounding spaces: "
                            + "they are trained as separate tasks. Normalise the task column if they are one task.");
    }

    private static bool HasRows(IDataView data)
    {
        if (data.GetRowCount() is { } count)
            return count > 0;
        using var cursor = data.GetRowCursor(Array.Empty<DataViewSchema.Column>());
        return cursor.MoveNext();
    }
}
