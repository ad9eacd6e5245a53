using Microsoft.ML.Alter.Bench.Baselines;
using Microsoft.ML.Alter.Bench.Scaling;
using Microsoft.ML.Alter.Bench.Speed;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>Scoring speed and memory of the served model, and cost against the number of tasks, as the benchmark records them.</summary>
internal sealed record ServingReport(string Model, string Sentences, bool PeakResetBeforeSpeed, ScoringSpeedResult? Speed, ScoringMemoryResult? Memory,
    double? FlopsFromLinearWeights = null);

/// <summary>
/// The serving half of the benchmark: the trained default ALTER model through ML.NET against ONNX Runtime on one test
/// split (sst2 when the folder has it), memory along a long Transform pass, and task-count scaling.
/// </summary>
internal static class ServingMeasurements
{
    public static ServingReport Run(string dataFolder, IReadOnlyList<TaskSplits> splits, ServedModel served, SuiteSettings settings, Action<string> log)
    {
        var plan = settings.Plan;
        var task = splits.Any(s => s.Task == "sst2") ? "sst2" : splits[0].Task;
        var sentences = SpeedInputs.Sentences(dataFolder, task, "test", plan.ScoringRows == int.MaxValue ? null : plan.ScoringRows);
        using var model = served.Bytes is null
            ? SpeedInputs.Model(dataFolder, settings.Mta, settings.UntrainedShared)
            : AlterModelStore.Load(new MemoryStream(served.Bytes), "the trained default ALTER model");
        var described = served.Bytes is null ? $"untrained ALTER model ({settings.Mta}, {model.Config.SharedExpertCount} shared experts; costs what a trained one does)"
            : served.File is null ? "the trained default ALTER model (stages 1+2)"
            : $"the trained default ALTER model (stages 1+2), saved by an earlier part ({Path.GetFileName(served.File)})";
        log($"scoring: {described}, {sentences.Count} sentences of {task}/test");
        // Training ran in this process: its peak must not be reported as scoring's.
        var reset = ProcessMemory.TryResetPeak();
        var speed = settings.Parts.Contains("scoring")
            ? ScoringSpeed.Measure(model, sentences, new ScoringSpeedOptions { Repeat = plan.ScoringRepeat, BatchSizes = settings.ScoringBatches }, line => log($"scoring: {line}"))
            : null;
        ScoringMemoryResult? memory = null;
        if (settings.Parts.Contains("memory"))
        {
            log($"memory: {plan.MemoryRows:N0} rows through Transform");
            memory = ScoringMemory.Measure(model, sentences, new ScoringMemoryOptions { Rows = plan.MemoryRows, FirstCheckpoint = Math.Min(1_000, plan.MemoryRows / 2) },
                line => log($"memory: {line}"));
        }
        return new ServingReport(described, $"{task}/test.tsv, {sentences.Count} rows", reset, speed, memory, ForwardFlops.FromLinearWeights(model));
    }

    /// <summary>2, 4 and all tasks (fewer when the folder has fewer; or --counts), the first k task folders each time.</summary>
    public static TaskScalingResult Scaling(string dataFolder, IReadOnlyList<TaskSplits> splits, SuiteSettings settings, Action<string> log)
    {
        var tasks = splits.Select(s => s.Task).ToList();
        var counts = settings.ScalingCounts ?? new[] { 2, 4, tasks.Count }.Where(k => k <= tasks.Count).Distinct().Order().ToList();
        var options = new TaskScalingOptions { TrainRows = settings.Plan.ScalingTrainRows, ScoreRows = settings.Plan.ScalingScoreRows };
        return TaskScaling.Measure(dataFolder, tasks, counts, options, line => log($"scaling: {line}"));
    }
}
