using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Training;
using Microsoft.ML.Runtime;
using Spectre.Console;

namespace Microsoft.ML.Alter.Cli;

/// <summary>
/// A Spectre.Console progress bar per training stage, fed by the estimator's typed reports: <c>train</c> gets the receiver
/// to put in <see cref="AlterEstimator.Options.Progress"/> before it creates the estimator (which copies its options).
/// Warnings on <c>MLContext.Log</c> (skipped rows, a clamped length) are shown as they come.
/// </summary>
internal static class TrainingProgressBar
{
    /// <summary>Runs <paramref name="train"/> under a live progress display on the output's console.</summary>
    public static T Run<T>(MLContext ml, CliOutput output, Func<IProgress<TrainingProgress>, T> train)
    {
        ml.Log += (_, e) =>
        {
            if (e.Kind == ChannelMessageKind.Warning)
                output.Warn(e.RawMessage);
        };
        return output.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var stages = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                var progress = new Reporter(report =>
                {
                    if (!stages.TryGetValue(report.Stage, out var stage))
                        stages[report.Stage] = stage = context.AddTask(report.Stage, maxValue: (double)report.Epochs * report.StepsPerEpoch);
                    stage.Value = (report.Epoch - 1.0) * report.StepsPerEpoch + report.Step;
                    stage.Description = $"{report.Stage} (loss {report.Loss:F4})";
                    // Render now rather than at the next timer tick: a short stage could otherwise end between two ticks unseen.
                    context.Refresh();
                });
                var result = train(progress);
                foreach (var stage in stages.Values)
                    stage.Value = stage.MaxValue;
                return result;
            });
    }

    /// <summary>Reports on the training thread, in order (<c>Progress&lt;T&gt;</c> would post to the thread pool).</summary>
    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
