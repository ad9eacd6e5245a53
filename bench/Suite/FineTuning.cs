using System.Diagnostics;
using Microsoft.ML.Alter.Bench.Baselines;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>
/// The systems that fine-tune MiniLM with the library's trainer: single-task and multi-task full fine-tuning (no MTA
/// layers), ALTER stage 1 and stages 1+2, and the ablations. All share the optimiser, schedule, batch size, seed and
/// dev-based epoch selection, so the table compares architectures rather than training recipes.
/// </summary>
internal sealed class FineTuning
{
    private readonly PretrainedCheckpoint _pretrained;
    private readonly AlterTrainingOptions _options;
    private readonly Action<string> _log;

    public FineTuning(PretrainedCheckpoint pretrained, AlterTrainingOptions options, Action<string> log)
    {
        _pretrained = pretrained;
        _options = options;
        _log = log;
    }

    public AlterTrainingOptions Options => _options;

    /// <summary>Plain fine-tuning (no mixture): one model per task when <paramref name="perTask"/>, else one shared encoder.</summary>
    /// <remarks>The head settings of <paramref name="mta"/> (pooling, head dropout) apply, so recipe probes reach every fine-tuned system.</remarks>
    public SystemRun PlainFineTuning(string name, IReadOnlyList<TaskSplits> splits, bool perTask, MtaOptions mta)
    {
        var plain = mta with { Layers = Array.Empty<int>() };
        if (!perTask)
            return Stage1Only(name, "MiniLM-L6 fully fine-tuned, one shared encoder, per-task heads, no MTA", splits, plain);
        var runs = splits.Select(s => Stage1Only($"{name}/{s.Task}", "", new[] { s }, plain)).ToList();
        return new SystemRun(name, "MiniLM-L6 fully fine-tuned, one model per task",
            runs.SelectMany(r => r.Tasks).ToList(),
            runs.Sum(r => r.TrainableParameters), runs.Sum(r => r.TotalParameters), runs.Sum(r => r.TrainSeconds));
    }

    private SystemRun Stage1Only(string name, string description, IReadOnlyList<TaskSplits> splits, MtaOptions mta)
    {
        var (model, stage1) = TrainStage1(name, splits, mta);
        using (model)
            return Evaluate(name, description, model, splits, stage1, stage1.TrainableParameters, stage1.WallTime.TotalSeconds);
    }

    /// <summary>Creates a model over every task of <paramref name="splits"/> and runs stage 1 with dev selection.</summary>
    public (AlterModel Model, StageResult Stage1) TrainStage1(string name, IReadOnlyList<TaskSplits> splits, MtaOptions mta)
    {
        _log($"{name}: stage 1 on {splits.Sum(s => s.Train.Count)} rows of {splits.Count} task(s), {_options.Stage1.Epochs?.ToString() ?? "the library's"} epoch(s)");
        var trainer = Trainer(_options, name);
        var result = trainer.CreateAndTrainStage1(_pretrained, Train(splits), Dev(splits), mta);
        _log($"{name}: stage 1 done in {result.Result.WallTime.TotalSeconds:F0} s, best epoch {result.Result.BestEpoch}, dev mean {result.Result.MeanDevAccuracy:F4}");
        return result;
    }

    /// <summary>Stage 2 on a copy of a stage-1 model (so several stage-2 variants can start from the same stage 1).</summary>
    public (AlterModel Model, StageResult Stage2) TrainStage2(string name, byte[] stage1Model, IReadOnlyList<TaskSplits> splits, AlterTrainingOptions options)
    {
        var model = AlterModelStore.Load(new MemoryStream(stage1Model), name);
        try
        {
            _log($"{name}: stage 2 ({options.SharedExperts} shared expert(s), heads {(options.TrainHeadsInStage2 ? "trained" : "frozen")}), {options.Stage2.Epochs} epoch(s)");
            var result = Trainer(options, name).TrainStage2(model, Train(splits), Dev(splits));
            _log($"{name}: stage 2 done in {result.WallTime.TotalSeconds:F0} s, dev mean {result.MeanDevAccuracy:F4}");
            return (model, result);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public static byte[] Snapshot(AlterModel model)
    {
        using var stream = new MemoryStream();
        AlterModelStore.Save(model, stream);
        return stream.ToArray();
    }

    /// <summary>Test metrics of the kept model, plus what its training cost.</summary>
    public SystemRun Evaluate(string name, string description, AlterModel model, IReadOnlyList<TaskSplits> splits, StageResult kept,
        long trainableParameters, double trainSeconds, IReadOnlyDictionary<string, object>? details = null)
    {
        var clock = Stopwatch.StartNew();
        var test = TestScoring.Score(model, splits);
        _log($"{name}: test scored in {clock.Elapsed.TotalSeconds:F0} s, mean accuracy {test.Values.Average(m => m.Accuracy):F4}");
        return new SystemRun(name, description,
            splits.Select(s => new TaskOutcome(s.Task, s.Train.Count, kept.DevAccuracy.GetValueOrDefault(s.Task, double.NaN), test[s.Task])).ToList(),
            trainableParameters, kept.TotalParameters, trainSeconds, details);
    }

    private static List<Data.LabeledExample> Train(IReadOnlyList<TaskSplits> splits) => splits.SelectMany(s => s.Train).ToList();

    private static List<Data.LabeledExample> Dev(IReadOnlyList<TaskSplits> splits) => splits.SelectMany(s => s.Dev).ToList();

    /// <summary>A trainer whose progress and choices go to the run's log under <paramref name="name"/>.</summary>
    private AlterTrainer Trainer(AlterTrainingOptions options, string name)
        => new(options, new Progress(name, _log), log: message => _log($"{name}: {message}"));

    /// <summary>Epoch ends and every progress interval, prefixed with the system's name.</summary>
    private sealed class Progress(string name, Action<string> log) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => log($"{name}: {value}");
    }
}
