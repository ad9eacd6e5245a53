using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Bench.Scaling;

/// <summary>How <see cref="TaskScaling.Measure"/> runs each task count.</summary>
public sealed record TaskScalingOptions
{
    /// <summary>
    /// Training rows of the timed epoch (12 steps of 32 by default), the same for every task count so per-example times
    /// compare; drawn evenly from the run's tasks. <see cref="AlterTrainer"/> runs whole epochs, so the step count is set
    /// through the rows of one epoch.
    /// </summary>
    public int TrainRows { get; init; } = 384;

    /// <summary>Rows of the untimed warm-up epoch before it (2 steps by default).</summary>
    public int WarmupRows { get; init; } = 64;

    /// <summary>Rows scored with <see cref="AlterPredictor.Predict(AlterModel, IReadOnlyList{TaskInput}, int, CancellationToken)"/>.</summary>
    public int ScoreRows { get; init; } = 512;

    public int BatchSize { get; init; } = Defaults.BatchSize;

    /// <summary>The model's shape; the default has tasks + 1 experts, so experts grow with the tasks.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public MtaOptions Mta { get; init; } = new();

    /// <summary><see cref="Mta"/> as text for the results file (the expert kind by name, not by number).</summary>
    public string MtaDescription => Mta.ToString();

    public int Seed { get; init; } = Defaults.Seed;

    private static readonly AlterTrainingOptions Defaults = new();
}

/// <summary>One task count's figures.</summary>
/// <param name="TrainTokens">Real tokens of the timed epoch's rows (padding not counted).</param>
/// <param name="TrainSeconds">The stage's own wall time (<see cref="StageResult.WallTime"/>): steps, optimizer, the GC it runs every 8 steps.</param>
public sealed record TaskScalingPoint(int TaskCount, IReadOnlyList<string> Tasks, ForwardCost Cost, int TrainRows, int TrainSteps, long TrainTokens,
    double TrainSeconds, int ScoreRows, long ScoreTokens, double ScoreSeconds)
{
    public double TrainMsPerExample => 1000 * TrainSeconds / TrainRows;

    public double TrainTokensPerSecond => TrainTokens / TrainSeconds;

    /// <summary>Useful work per second in training, taken as 3× the forward FLOPs (forward, activation and weight gradients).</summary>
    public double TrainGflopsPerSecond => 3 * Cost.AlterFlopsPerToken * TrainTokens / TrainSeconds / 1e9;

    public double ScoreMsPerRow => 1000 * ScoreSeconds / ScoreRows;

    public double ScoreTokensPerSecond => ScoreTokens / ScoreSeconds;

    public double ScoreGflopsPerSecond => Cost.AlterFlopsPerToken * ScoreTokens / ScoreSeconds / 1e9;
}

public sealed record TaskScalingResult(IReadOnlyList<TaskScalingPoint> Points, TaskScalingOptions Options, int TorchThreads, string ScoreRowsFrom);

/// <summary>
/// How ALTER's cost grows with the number of tasks: for each count k, a fresh model over the first k tasks (default options,
/// so k + 1 experts per mixture) is trained for a fixed number of stage-1 steps through <see cref="AlterTrainer"/> and scores a
/// fixed set of rows through <see cref="AlterPredictor"/>. The mixture is dense (every expert runs on every token), so
/// FLOPs per token grow linearly with the experts; the figures show whether time follows.
/// </summary>
public static class TaskScaling
{
    /// <param name="tasks">Task folders in order; run k uses the first k.</param>
    /// <param name="counts">Task counts to measure, e.g. 2, 4, 7.</param>
    /// <param name="log">Receives a line per task count and the trainer's epoch reports.</param>
    public static TaskScalingResult Measure(string dataFolder, IReadOnlyList<string> tasks, IReadOnlyList<int> counts, TaskScalingOptions? options = null,
        Action<string>? log = null)
    {
        options ??= new TaskScalingOptions();
        if (counts.Count == 0 || counts.Any(k => k < 1 || k > tasks.Count))
            throw new ArgumentException($"Task counts must be between 1 and the {tasks.Count} tasks given: {string.Join(", ", counts)}.");
        // The same rows for every count, from the tasks every run has: scoring cost depends on tokens, not on the task.
        var common = tasks.Take(counts.Min()).ToList();
        var scoreRows = Even(common.Select(t => TaskFolder.Read(dataFolder, "test", new[] { t })).ToList(), options.ScoreRows, options.Seed)
            .Select(r => new TaskInput(r.Task, r.Text, r.Text2)).ToList();
        using var pretrained = PretrainedCheckpoint.Load(null);
        var points = new List<TaskScalingPoint>();
        foreach (var k in counts)
        {
            var point = MeasureOne(pretrained, dataFolder, tasks.Take(k).ToList(), scoreRows, options, log);
            log?.Invoke($"{k} tasks: training {point.TrainMsPerExample:F1} ms/example ({point.TrainGflopsPerSecond:F1} GFLOP/s), "
                        + $"scoring {point.ScoreMsPerRow:F2} ms/row ({point.ScoreGflopsPerSecond:F1} GFLOP/s)");
            points.Add(point);
        }
        return new TaskScalingResult(points, options, TorchSharp.torch.get_num_threads(), $"test splits of {string.Join(", ", common)}");
    }

    /// <summary>One task count: model creation is not timed; a warm-up epoch, then the timed epoch, then warm-up and timed scoring.</summary>
    public static TaskScalingPoint MeasureOne(PretrainedCheckpoint pretrained, string dataFolder, IReadOnlyList<string> tasks, IReadOnlyList<TaskInput> scoreRows,
        TaskScalingOptions options, Action<string>? log = null)
    {
        var train = tasks.Select(t => TaskFolder.Read(dataFolder, "train", new[] { t })).ToList();
        var sample = Even(train, options.WarmupRows + options.TrainRows, options.Seed);
        var warmup = sample.Take(options.WarmupRows).ToList();
        var timed = sample.Skip(options.WarmupRows).ToList();
        var defaults = new AlterTrainingOptions();
        var trainer = new AlterTrainer(defaults with
        {
            Stage1 = defaults.Stage1 with { Epochs = 1 },
            BatchSize = options.BatchSize,
            Seed = options.Seed,
            ProgressInterval = int.MaxValue,
        }, log is null ? null : new Progress(log));

        // Label sets from the full training splits, so every sampled row's label is known to the model.
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train.SelectMany(r => r)), options.Mta, seed: options.Seed);
        if (warmup.Count > 0)
            trainer.TrainStage1(model, warmup, null);
        var stage = trainer.TrainStage1(model, timed, null);
        var trainTokens = EncodedRows.FromExamples(model, timed, "training").Inputs.Sum(i => (long)i.Length);

        AlterPredictor.Predict(model, scoreRows.Take(options.BatchSize).ToList(), options.BatchSize);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        AlterPredictor.Predict(model, scoreRows, options.BatchSize);
        var scoreSeconds = clock.Elapsed.TotalSeconds;
        var scoreTokens = scoreRows.Sum(r => (long)model.Tokenizer.Encode(r.Text, r.Text2).Length);

        return new TaskScalingPoint(tasks.Count, tasks, ForwardFlops.Of(model.Config), timed.Count, (timed.Count + options.BatchSize - 1) / options.BatchSize,
            trainTokens, stage.WallTime.TotalSeconds, scoreRows.Count, scoreTokens, scoreSeconds);
    }

    /// <summary><paramref name="count"/> rows, as evenly from each list as it allows (earlier lists take the remainder), shuffled with a fixed seed.</summary>
    private static List<LabeledExample> Even(IReadOnlyList<List<LabeledExample>> perTask, int count, int seed)
    {
        var random = new Random(seed);
        var result = new List<LabeledExample>(count);
        for (var t = 0; t < perTask.Count; t++)
        {
            var share = count / perTask.Count + (t < count % perTask.Count ? 1 : 0);
            if (share > perTask[t].Count)
                throw new ArgumentException($"Task '{perTask[t][0].Task}' has {perTask[t].Count} rows; {share} are needed.");
            var rows = perTask[t].ToArray();
            random.Shuffle(rows);
            result.AddRange(rows.Take(share));
        }
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(result));
        return result;
    }

    private sealed class Progress(Action<string> log) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => log(value.ToString());
    }
}
