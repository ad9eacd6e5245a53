using System.CommandLine;
using CliCommand = System.CommandLine.Command;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Cli;

/// <summary><c>alter evaluate --model M.zip --data DIR|FILE [--split test]</c>: ML.NET's multiclass metrics per task and overall.</summary>
internal static class EvaluateCommand
{
    public static CliCommand Create(CliOutput output)
    {
        var model = AlterCommand.ModelOption("A model saved by `alter train`.");
        var data = AlterCommand.DataOption("Labelled data: a folder of tasks or a TSV/CSV file with task, text and label columns.");
        var split = new Option<string>("--split") { Description = "The split of a folder of tasks to evaluate on.", DefaultValueFactory = _ => "test" };
        var format = AlterCommand.FormatOption();
        var columns = new EstimatorOptions(EstimatorOptions.ColumnNames);
        var command = new CliCommand("evaluate", "Accuracy, macro accuracy and log-loss of a saved model, per task and over all rows.") { model, data, split, format };
        foreach (var option in columns.Options)
            command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var ml = new MLContext();
            var options = new AlterEstimator.Options();
            columns.Apply(parsed, options);
            var input = DataInput.Load(ml, parsed.GetValue(data)!, parsed.GetValue(split)!, options,
                output.Warn);
            var loaded = ml.Model.Load(parsed.GetValue(model)!, out _);
            // Up to ALTER: the evaluator reads the key-typed PredictedLabel, before it is mapped back to text.
            var scored = AlterCommand.ForData(loaded, input.Schema, options.LabelColumnName, keepOutputMapping: false).Transform(input);
            var perTask = ml.MulticlassClassification.EvaluatePerTask(scored, options.LabelColumnName, options.TaskColumnName);
            var all = ml.MulticlassClassification.Evaluate(scored, options.LabelColumnName);
            var rows = perTask.Select(kv => (Name: kv.Key, Metrics: kv.Value)).Append(("(all)", all)).ToList();
            if (parsed.GetValue(format) == "tsv")
            {
                output.Data.WriteLine("task\taccuracy\tmacro_accuracy\tlog_loss");
                foreach (var (name, m) in rows)
                    output.Data.WriteLine(string.Join('\t', name, Number(m.MicroAccuracy), Number(m.MacroAccuracy), Number(m.LogLoss)));
            }
            else
                foreach (var (name, m) in rows)
                    output.Data.WriteLine(JsonSerializer.Serialize(new { task = name, accuracy = m.MicroAccuracy, macroAccuracy = m.MacroAccuracy, logLoss = m.LogLoss }));
            foreach (var part in (IEnumerable<ITransformer>)loaded)
                (part as IDisposable)?.Dispose();
            return 0;
        });
        return command;
    }

    private static string Number(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
