using Microsoft.ML.Alter.Bench.Baselines;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>One task's figures for one system: dev accuracy of the model kept on dev, and its test metrics.</summary>
internal sealed record TaskOutcome(string Task, int TrainRows, double DevAccuracy, ClassificationMetrics Test);

/// <summary>
/// One row of the benchmark table. Parameters are summed over the models a system trains (one per task for the
/// per-task systems); TrainSeconds is the wall time that producing them took, dev evaluation included.
/// </summary>
internal sealed record SystemRun(
    string Name,
    string Description,
    IReadOnlyList<TaskOutcome> Tasks,
    long TrainableParameters,
    long TotalParameters,
    double TrainSeconds,
    IReadOnlyDictionary<string, object>? Details = null)
{
    public double MeanTestAccuracy => Tasks.Average(t => t.Test.Accuracy);

    public double MeanDevAccuracy => Tasks.Average(t => t.DevAccuracy);

    public TaskOutcome? Of(string task) => Tasks.FirstOrDefault(t => t.Task == task);

    /// <summary>The classic baselines' per-task records in this table's shape.</summary>
    public static SystemRun FromBaseline(string name, SystemResult result) => new(
        name,
        $"{result.Name}: {result.Description}",
        result.Tasks.Select(t => new TaskOutcome(t.Task, t.TrainRows, t.DevAccuracy, t.Test)).ToList(),
        result.Tasks.Sum(t => t.TrainedParameters),
        // The frozen encoder is one model shared by every task's classifier: counted once.
        result.Tasks.Sum(t => t.TrainedParameters) + result.Tasks.Max(t => t.FrozenParameters ?? 0),
        result.Tasks.Sum(t => t.TrainSeconds),
        // What the dev selection chose and cost, per task.
        new Dictionary<string, object>
        {
            ["selection"] = result.Tasks.Select(t => new { t.Task, t.SelectedL2, t.Grid, t.SelectionSeconds, t.Features, t.EmbedSeconds }).ToList(),
        });
}
