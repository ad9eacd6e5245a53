using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Runtime;
using Spectre.Console;

namespace Microsoft.ML.Alter.Cli;

/// <summary>
/// A Spectre.Console progress bar per training stage, fed by the estimator's step reports on <c>MLContext.Log</c> (the
/// trace line "stage 1 epoch 2/3 step 5/40 loss 0.6931 ..." that ML.NET's channel carries); warnings (skipped rows, a
/// clamped length) are shown as they come.
/// </summary>
internal sealed partial class TrainingProgressBar
{
    private readonly Dictionary<string, ProgressTask> _stages = new(StringComparer.Ordinal);
    private ProgressContext? _context;

    /// <summary>Runs <paramref name="train"/> under a live progress display on the output's console.</summary>
    public static T Run<T>(MLContext ml, CliOutput output, Func<T> train)
    {
        var bar = new TrainingProgressBar();
        ml.Log += (_, e) => bar.OnLog(output, e);
        return output.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                bar._context = context;
                var result = train();
                foreach (var stage in bar._stages.Values)
                    stage.Value = stage.MaxValue;
                return result;
            });
    }

    private void OnLog(CliOutput output, LoggingEventArgs e)
    {
        if (e.Kind == ChannelMessageKind.Warning)
        {
            output.Warn(e.RawMessage);
            return;
        }
        if (_context is null)
            return;
        // The last step of an epoch is reported as the epoch's summary line.
        if (EpochEnd().Match(e.RawMessage) is { Success: true } end && _stages.TryGetValue(end.Groups["stage"].Value, out var ended))
        {
            var epochs = int.Parse(end.Groups["epochs"].Value, CultureInfo.InvariantCulture);
            ended.Value = ended.MaxValue * int.Parse(end.Groups["epoch"].Value, CultureInfo.InvariantCulture) / epochs;
            return;
        }
        if (StepReport().Match(e.RawMessage) is not { Success: true } step)
            return;
        int Number(string group) => int.Parse(step.Groups[group].Value, CultureInfo.InvariantCulture);
        var name = step.Groups["stage"].Value;
        var steps = Number("steps");
        if (!_stages.TryGetValue(name, out var task))
            _stages[name] = task = _context.AddTask(name, maxValue: (double)Number("epochs") * steps);
        task.Value = (Number("epoch") - 1.0) * steps + Number("step");
        task.Description = $"{name} (loss {step.Groups["loss"].Value})";
        // Render now rather than at the next timer tick: a short stage could otherwise end between two ticks unseen.
        _context.Refresh();
    }

    [GeneratedRegex(@"^(?<stage>.+?) epoch (?<epoch>\d+)/(?<epochs>\d+) step (?<step>\d+)/(?<steps>\d+) loss (?<loss>\S+)")]
    private static partial Regex StepReport();

    [GeneratedRegex(@"^(?<stage>.+?) epoch (?<epoch>\d+)/(?<epochs>\d+): loss ")]
    private static partial Regex EpochEnd();
}
