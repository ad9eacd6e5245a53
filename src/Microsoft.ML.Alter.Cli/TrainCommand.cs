using System.CommandLine;
using CliCommand = System.CommandLine.Command;
using Microsoft.ML.Alter.MLNet;

namespace Microsoft.ML.Alter.Cli;

/// <summary><c>alter train --data DIR|FILE --model OUT.zip [estimator options]</c>.</summary>
internal static class TrainCommand
{
    public static CliCommand Create(CliOutput output)
    {
        var data = AlterCommand.DataOption("Training data: a folder of tasks (its train split) or a TSV/CSV file with task, text and label columns.");
        var model = AlterCommand.ModelOption("Where to save the trained model (an ML.NET model .zip).");
        var validation = new Option<string>("--validation")
        {
            Description = "Validation data (a folder's dev split, or a file): accuracy per epoch and early stopping.",
        };
        var stage1Only = new Option<bool>("--stage1-only") { Description = "Train stage 1 only (no stage-2 gate)." };
        var estimator = new EstimatorOptions();
        var command = new CliCommand("train", "Train an ALTER model and save it.") { data, model, validation, stage1Only };
        foreach (var option in estimator.Options)
            command.Options.Add(option);
        command.SetAction(parsed =>
        {
            var ml = new MLContext();
            var options = new AlterEstimator.Options();
            var given = estimator.Apply(parsed, options);
            // The progress bar moves with each step's report unless asked otherwise.
            if (!given.Contains(nameof(options.LogEverySteps)))
                options.LogEverySteps = 1;
            var train = DataInput.Load(ml, parsed.GetValue(data)!, "train", options, output.Warn);
            if (parsed.GetValue(validation) is { } validationPath)
                options.ValidationSet = DataInput.Load(ml, validationPath, "dev", options, output.Warn);
            var fitted = TrainingProgressBar.Run(ml, output, progress =>
            {
                options.Progress = progress;
                var trainer = parsed.GetValue(stage1Only)
                    ? ml.MulticlassClassification.Trainers.AlterStage1(options)
                    : ml.MulticlassClassification.Trainers.Alter(options);
                return ml.Transforms.Conversion.MapValueToKey(options.LabelColumnName)
                    .Append(trainer)
                    .Append(ml.Transforms.Conversion.MapKeyToValue(options.PredictedLabelColumnName))
                    .Fit(train);
            });
            var path = Path.GetFullPath(parsed.GetValue(model)!);
            // ML.NET truncates the target before saving: write beside it and move, so a failed save keeps an older model.
            var partial = path + ".partial";
            ml.Model.Save(fitted, train.Schema, partial);
            File.Move(partial, path, overwrite: true);
            var alter = (AlterTransformer)((IEnumerable<ITransformer>)fitted).ElementAt(1);
            output.Data.WriteLine($"saved {path} ({new FileInfo(path).Length / 1e6:F1} MB): tasks {string.Join(", ", alter.TaskNames)}");
            alter.Dispose();
            return 0;
        });
        return command;
    }
}
