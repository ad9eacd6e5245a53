using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Training;
using Spectre.Console;

/// <summary>
/// The console program's progress: a Spectre.Console bar per training stage with its loss and time left, fed by the
/// estimator's typed progress: <c>train</c> gets the receiver to put in <see cref="AlterEstimator.Options.Progress"/>
/// before it creates the estimator (which copies its options). Each epoch's per-task dev accuracy is printed above the
/// bars as it comes.
/// </summary>
internal static class TrainingBar
{
    public static T Run<T>(Func<IProgress<TrainingProgress>, T> train) => AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
        .Start(context =>
        {
            var bars = new Dictionary<string, ProgressTask>();
            return train(new Reporter(report =>
            {
                if (!bars.TryGetValue(report.Stage, out var bar))
                    bars[report.Stage] = bar = context.AddTask(report.Stage, maxValue: report.Epochs * report.StepsPerEpoch);
                bar.Value = (report.Epoch - 1) * report.StepsPerEpoch + report.Step;
                bar.Description = $"{report.Stage}, epoch {report.Epoch}/{report.Epochs}, loss {report.Loss:F3}";
                if (report.DevAccuracy is { Count: > 0 } dev)
                    AnsiConsole.MarkupLineInterpolated(
                        $"  {report.Stage} epoch {report.Epoch}: dev accuracy {string.Join(", ", dev.Select(kv => $"{kv.Key} {kv.Value:F3}"))}");
                context.Refresh();
            }));
        });

    /// <summary>Reports on the training thread, in order (<c>Progress&lt;T&gt;</c> would post to the thread pool).</summary>
    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
