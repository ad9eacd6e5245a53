using Microsoft.ML.Alter.Data;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Reads an IDataView into the core's labeled rows: task, text(s) and the label's key value text. Rows are read once and
/// held in memory (the core samples tasks and shuffles per epoch); errors name the data set, the 0-based row, the column
/// and the task.
/// </summary>
internal static class TrainingRows
{
    /// <param name="what">"training" or "validation", for messages.</param>
    /// <param name="allowTextLabel">Accept a text label column as well as a key (validation data).</param>
    public static List<LabeledExample> Read(IHost host, IDataView data, AlterEstimator.Options options, string what, out string[] labelNames,
        bool allowTextLabel = false)
    {
        var schema = data.Schema;
        var taskIndex = SchemaChecks.RequireText(host, schema, "task", options.TaskColumnName);
        var text1Index = SchemaChecks.RequireText(host, schema, "sentence1", options.Sentence1ColumnName);
        var text2Index = options.Sentence2ColumnName is null ? -1 : SchemaChecks.RequireText(host, schema, "sentence2", options.Sentence2ColumnName);
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
        while (cursor.MoveNext())
        {
            host.CheckAlive();
            var row = rows.Count;
            getTask(ref task);
            if (task.Span.IsWhiteSpace())
                throw host.Except($"{what} row {row}: the task column '{options.TaskColumnName}' is empty.");
            var taskName = task.ToString();
            getText1(ref text1);
            if (text1.Span.IsWhiteSpace())
                throw host.Except($"{what} row {row} (task '{taskName}'): the text column '{options.Sentence1ColumnName}' is empty.");
            string? second = null;
            if (getText2 is not null)
            {
                // An empty second text makes a single-sentence row: one model can serve sentence and sentence-pair tasks.
                getText2(ref text2);
                second = text2.Span.IsWhiteSpace() ? null : text2.ToString();
            }
            string labelName;
            if (getLabelText is not null)
            {
                getLabelText(ref labelText);
                if (labelText.Span.IsWhiteSpace())
                    throw host.Except($"{what} row {row} (task '{taskName}'): the label column '{options.LabelColumnName}' is empty.");
                labelName = labelText.ToString();
            }
            else
            {
                getLabel!(ref key);
                if (key == 0 || key > labelNames.Length)
                    throw host.Except($"{what} row {row} (task '{taskName}'): the label column '{options.LabelColumnName}' is missing "
                                      + "(key 0: a value the MapValueToKey mapping did not know, or an empty label).");
                labelName = labelNames[key - 1];
            }
            rows.Add(new LabeledExample(taskName, text1.ToString(), second, labelName));
        }
        if (rows.Count == 0)
            throw host.Except($"The {what} data has no rows.");
        return rows;
    }
}
