using System.CommandLine;
using CliCommand = System.CommandLine.Command;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Cli;

/// <summary>
/// <c>alter predict --model M.zip (--task T --text "..." [--text2 "..."] | --input DIR|FILE)</c>: each row's predicted
/// label and its probability, as JSON lines or TSV. A row the model cannot score (unknown task, no usable text) has no
/// label and no probability, as the transformer's missing prediction.
/// </summary>
internal static class PredictCommand
{
    public static CliCommand Create(CliOutput output)
    {
        var model = AlterCommand.ModelOption("A model saved by `alter train`.");
        var task = new Option<string>("--task") { Description = "The task of the text given with --text." };
        var text = new Option<string>("--text") { Description = "One text to classify (with --task)." };
        var text2 = new Option<string>("--text2") { Description = "Its second text, for a sentence-pair task." };
        var input = new Option<string>("--input") { Description = "Rows to classify: a folder of tasks (its --split) or a TSV/CSV file with task and text columns." };
        var split = new Option<string>("--split") { Description = "The split of a folder of tasks.", DefaultValueFactory = _ => "test" };
        var format = AlterCommand.FormatOption();
        var columns = new EstimatorOptions(EstimatorOptions.ColumnNames);
        var command = new CliCommand("predict", "Classify texts with a saved model.") { model, task, text, text2, input, split, format };
        foreach (var option in columns.Options)
            command.Options.Add(option);
        command.Validators.Add(result =>
        {
            if ((result.GetValue(input) is null) == (result.GetValue(text) is null) || (result.GetValue(text) is not null && result.GetValue(task) is null))
                result.AddError("Give either --task and --text (and --text2), or --input.");
        });
        command.SetAction(parsed =>
        {
            var ml = new MLContext();
            var options = new AlterEstimator.Options();
            columns.Apply(parsed, options);
            var data = parsed.GetValue(input) is { } path
                ? DataInput.Load(ml, path, parsed.GetValue(split)!, options, output.Warn)
                : DataInput.FromRows(ml, new[] { new LabeledExample(parsed.GetValue(task)!, parsed.GetValue(text)!, parsed.GetValue(text2), "") }, options);
            var loaded = ml.Model.Load(parsed.GetValue(model)!, out _);
            var scored = AlterCommand.ForData(loaded, data.Schema, options.LabelColumnName).Transform(data);
            Write(output.Data, scored, options, parsed.GetValue(format) == "tsv");
            foreach (var part in (IEnumerable<ITransformer>)loaded)
                (part as IDisposable)?.Dispose();
            return 0;
        });
        return command;
    }

    private static void Write(TextWriter writer, IDataView scored, AlterEstimator.Options options, bool tsv)
    {
        var schema = scored.Schema;
        var columns = new[] { options.TaskColumnName, options.Sentence1ColumnName, options.PredictedLabelColumnName, options.ScoreColumnName }.Select(n => schema[n]).ToArray();
        using var cursor = scored.GetRowCursor(columns);
        var getTask = cursor.GetGetter<ReadOnlyMemory<char>>(columns[0]);
        var getText = cursor.GetGetter<ReadOnlyMemory<char>>(columns[1]);
        var getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(columns[2]);
        var getScore = cursor.GetGetter<VBuffer<float>>(columns[3]);
        ReadOnlyMemory<char> taskValue = default, textValue = default, labelValue = default;
        VBuffer<float> score = default;
        if (tsv)
            writer.WriteLine("task\ttext\tlabel\tprobability");
        while (cursor.MoveNext())
        {
            getTask(ref taskValue);
            getText(ref textValue);
            getLabel(ref labelValue);
            getScore(ref score);
            var probability = score.DenseValues().Max();
            var label = labelValue.IsEmpty || float.IsNaN(probability) ? null : labelValue.ToString();
            double? p = label is null ? null : Math.Round(probability, 6);
            if (tsv)
                writer.WriteLine(string.Join('\t', taskValue.ToString(), Tsv(textValue.ToString()), label ?? "", p?.ToString(CultureInfo.InvariantCulture) ?? ""));
            else
                writer.WriteLine(JsonSerializer.Serialize(new { task = taskValue.ToString(), text = textValue.ToString(), label, probability = p }));
        }
    }

    /// <summary>A text as one TSV field: tabs and line breaks would split it.</summary>
    private static string Tsv(string text) => text.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
}
