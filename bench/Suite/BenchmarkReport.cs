using Microsoft.ML.Alter.Bench.Baselines;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>A task's rows as the run used them, and how many the files hold.</summary>
internal sealed record TaskInfo(string Task, bool IsPair, int Classes, int TrainRows, int FullTrainRows, int DevRows, int FullDevRows, int TestRows, int FullTestRows)
{
    public static TaskInfo Of(TaskSplits s)
        => new(s.Task, s.IsPair, s.Labels.Count, s.Train.Count, s.FullTrainCount, s.Dev.Count, s.FullDevCount, s.Test.Count, s.FullTestCount);
}

/// <summary>The raw contents of results/benchmark-MODE.json, filled in as the run goes.</summary>
internal sealed class BenchmarkReport(RunStamp run, SuitePlan plan, string data, IReadOnlyList<TaskInfo> tasks)
{
    public RunStamp Run { get; } = run;

    public SuitePlan Plan { get; } = plan;

    public string Data { get; } = data;

    public IReadOnlyList<TaskInfo> Tasks { get; } = tasks;

    public double? PeakGflops { get; set; }

    /// <summary>Every matmul the peak part timed: the large squares (the peak is their best) and MiniLM's training shapes.</summary>
    public IReadOnlyList<Peak.MatmulMeasurement>? Peak { get; set; }

    /// <summary>The process's peak RSS after the training systems ran (before the scoring measurements reset it).</summary>
    public long? TrainingPeakRssBytes { get; set; }

    public List<SystemRun> Systems { get; init; } = new();

    public ServingReport? Scoring { get; set; }

    public Scaling.TaskScalingResult? Scaling { get; set; }

    public double TotalSeconds { get; set; }

    /// <summary>How many runs (parts of one plan, see the report command) these figures come from.</summary>
    public int Parts { get; set; } = 1;

    public string? LoadAverageAtEnd { get; set; }

    /// <summary>Each run a merged report comes from (null for a single run), so every figure traces to its command and revision.</summary>
    public List<PartStamp>? MergedParts { get; set; }

    /// <summary>What this run measured: its systems, and the peak, scoring and scaling sections it filled.</summary>
    public IReadOnlyList<string> Measured()
        => (PeakGflops is null ? Array.Empty<string>() : new[] { $"peak ({PeakGflops:F1} GFLOP/s)" })
            .Concat(Systems.Select(s => s.Name))
            .Concat(Scoring is null ? Array.Empty<string>() : new[] { "scoring" })
            .Concat(Scaling is null ? Array.Empty<string>() : new[] { "scaling" })
            .ToList();
}

/// <summary>One of the runs behind a merged report.</summary>
internal sealed record PartStamp(RunStamp Run, double Seconds, string? LoadAverageAtEnd, IReadOnlyList<string> Measured);
