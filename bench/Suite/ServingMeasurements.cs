using Microsoft.ML.Alter.Bench.Baselines;
using Microsoft.ML.Alter.Bench.Scaling;
using Microsoft.ML.Alter.Bench.Speed;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>Scoring speed and memory of the served model, and cost against the number of tasks, as the benchmark records them.</summary>
internal sealed record ServingReport(string Model, string Sentences, bool PeakResetBeforeSpeed, ScoringSpeedResult Speed, ScoringMemoryResult Memory);

/// <summary>
/// The serving half of the benchmark: the trained default ALTER model through ML.NET against ONNX Runtime on one test
/// split (sst2 when the folder has it), memory along a long Transform pass, and task-count scaling.
/// </summary>
internal static class ServingMeasurements
{
    public static ServingReport Run(string dataFolder, IReadOnlyList<TaskSplits> splits, byte[]? trainedModel, string? trainedModelFile, SuitePlan plan, Action<string> log)
    {
        var task = splits.Any(s => s.Task == "sst2") ? "sst2" : splits[0].Task;
        var sentences = SpeedInputs.Sentences(dataFolder, task, "test", plan.ScoringRows == int.MaxValue ? null : plan.ScoringRows);
        using var model = trainedModel is null
            ? SpeedInputs.Model(dataFolder)
            : AlterModelStore.Load(new MemoryStream(trainedModel), "the trained default ALTER model");
        var described = trainedModel is null ? "untrained default ALTER model (ALTER did not run; costs what a trained one does)"
            : trainedModelFile is null ? "the trained default ALTER model (stages 1+2)"
            : $"the trained default ALTER model (stages 1+2), saved by an earlier part ({Path.GetFileName(trainedModelFile)})";
        log($"scoring: {described}, {sentences.Count} sentences of {task}/test");
        // Training ran in this process: its peak must not be reported as scoring's.
        var reset = ProcessMemory.TryResetPeak();
        var speed = ScoringSpeed.Measure(model, sentences, new ScoringSpeedOptions { Repeat = plan.ScoringRepeat }, line => log($"scoring: {line}"));
        log($"memory: {plan.MemoryRows:N0} rows through Transform");
        var memory = ScoringMemory.Measure(model, sentences, new ScoringMemoryOptions { Rows = plan.MemoryRows, FirstCheckpoint = Math.Min(1_000, plan.MemoryRows / 2) },
            line => log($"memory: {line}"));
        return new ServingReport(described, $"{task}/test.tsv, {sentences.Count} rows", reset, speed, memory);
    }

    /// <summary>2, 4 and all tasks (fewer when the folder has fewer), the first k task folders each time.</summary>
    public static TaskScalingResult Scaling(string dataFolder, IReadOnlyList<TaskSplits> splits, SuitePlan plan, Action<string> log)
    {
        var tasks = splits.Select(s => s.Task).ToList();
        var counts = new[] { 2, 4, tasks.Count }.Where(k => k <= tasks.Count).Distinct().Order().ToList();
        var options = new TaskScalingOptions { TrainRows = plan.ScalingTrainRows, ScoreRows = plan.ScalingScoreRows };
        return TaskScaling.Measure(dataFolder, tasks, counts, options, line => log($"scaling: {line}"));
    }
}
