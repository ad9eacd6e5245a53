using System.Diagnostics;
using Microsoft.ML.Alter.Bench.Baselines;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Bench.Alter;

/// <summary>
/// Trains one ALTER model on every task of a data folder (stage 1, then stage 2), and reports per-task dev and test
/// figures of both stages, wall times, training throughput and trainable parameters.
/// </summary>
internal static class AlterCommand
{
    public static int Run(BenchArgs args)
    {
        if (args.GetInt("threads", 0) is > 0 and var threads)
            TorchSharp.torch.set_num_threads(threads);
        var maxTrain = args.Get("max-train", "") is { Length: > 0 } m ? int.Parse(m, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        var splits = TaskSplits.LoadAll(args.DataFolder(), args.GetList("tasks"), maxTrain, args.GetOptionalInt("max-dev"), args.GetOptionalInt("max-test"));
        var mta = MtaFromArgs(args);
        var options = new AlterTrainingOptions
        {
            Stage1 = new StageOptions { Epochs = args.GetInt("epochs1", 3), LearningRate = Double(args, "lr1", 5e-5), HeadLearningRate = Double(args, "head-lr", 1e-3),
                EarlyStoppingPatience = args.GetInt("patience", 2) },
            Stage2 = new StageOptions { Epochs = args.GetInt("epochs2", 1), LearningRate = Double(args, "lr2", 5e-5), HeadLearningRate = Double(args, "head-lr", 1e-3) },
            SharedExperts = args.GetInt("shared", 1),
            TrainHeadsInStage2 = !args.Flag("freeze-heads"),
            BatchSize = args.GetInt("batch", 32),
            SamplingTemperature = Double(args, "temperature", 1.0),
            WarmupFraction = Double(args, "warmup", 0.06),
            WeightDecay = Double(args, "weight-decay", 0.01),
            Seed = args.GetInt("seed", 42),
            ProgressInterval = args.GetInt("progress", 100),
        };
        var name = args.Get("name", "alter");
        var stamp = RunStamp.Capture();
        stamp.PrintHeader();
        Console.WriteLine($"tasks: {string.Join(", ", splits.Select(s => $"{s.Task} ({s.Train.Count} train{(s.Train.Count < s.FullTrainCount ? $" of {s.FullTrainCount}" : "")}, {s.Dev.Count} dev, {s.Test.Count} test)"))}");
        Console.WriteLine($"mta: {mta}");

        var train = splits.SelectMany(s => s.Train).ToList();
        var dev = splits.SelectMany(s => s.Dev).ToList();
        var progress = new ConsoleProgress();
        using var pretrained = PretrainedCheckpoint.Load(args.Get("base-model", ""));
        var trainer = new AlterTrainer(options, progress);
        var (model, stage1) = trainer.CreateAndTrainStage1(pretrained, train, dev, mta, args.GetInt("max-length", 128));
        using (model)
        {
            if (args.Flag("stage1-only"))
                return ReportStage1(args, name, stamp, mta, options, splits, stage1);
            var test1 = Test(model, splits);
            var stage2 = trainer.TrainStage2(model, train, dev);
            var test2 = Test(model, splits);
            var trainTokens = EncodedRows.FromExamples(model, train, "training").Inputs.Sum(i => (long)i.Length);

            Console.WriteLine();
            Console.WriteLine($"| task | dev s1 | test s1 | dev s1+2 | test s1+2 | test MCC s1+2 | test macro-F1 s1+2 |");
            Console.WriteLine($"|---|---|---|---|---|---|---|");
            foreach (var s in splits)
                Console.WriteLine($"| {s.Task} | {stage1.DevAccuracy.GetValueOrDefault(s.Task):F4} | {test1[s.Task].Accuracy:F4} | {stage2.DevAccuracy.GetValueOrDefault(s.Task):F4} | "
                                  + $"{test2[s.Task].Accuracy:F4} | {test2[s.Task].Mcc:F4} | {test2[s.Task].MacroF1:F4} |");
            Console.WriteLine($"| **mean** | {stage1.MeanDevAccuracy:F4} | {test1.Values.Average(t => t.Accuracy):F4} | {stage2.MeanDevAccuracy:F4} | {test2.Values.Average(t => t.Accuracy):F4} | | |");
            Console.WriteLine();
            foreach (var r in new[] { stage1, stage2 })
                Console.WriteLine($"{r.Stage}: {r.EpochsRun} epoch(s), best {r.BestEpoch}, wall {r.WallTime.TotalMinutes:F1} min, "
                                  + $"{trainTokens * r.EpochsRun / r.WallTime.TotalSeconds:F0} train tokens/s (incl. dev evaluation), "
                                  + $"trainable {r.TrainableParameters:N0} of {r.TotalParameters:N0} ({100.0 * r.TrainableParameters / r.TotalParameters:F1}%)");
            Console.WriteLine($"stage 2 / stage 1: wall time {stage2.WallTime / stage1.WallTime:F3}, trainable parameters {stage2.TrainableParameters / (double)stage1.TrainableParameters:F3}");
            Console.WriteLine("expert weights (layer → task → experts):");
            var weights = model.ExpertWeights();
            for (var l = 0; l < weights.Length; l++)
                for (var t = 0; t < weights[l].Length; t++)
                    Console.WriteLine($"  layer {model.Config.MtaLayers[l]} {model.Tasks[t].Name,-10} {string.Join(" ", weights[l][t].Select(w => w.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");

            if (args.Get("save", "") is { Length: > 0 } savePath)
                AlterModelStore.Save(model, savePath);
            var path = ResultsFile.Write(args, $"{name}.json", new
            {
                stamp,
                mta = mta.ToString(),
                options = options with { },
                tasks = splits.Select(s => new
                {
                    s.Task,
                    trainRows = s.Train.Count,
                    devStage1 = stage1.DevAccuracy.GetValueOrDefault(s.Task),
                    testStage1 = test1[s.Task],
                    devStage2 = stage2.DevAccuracy.GetValueOrDefault(s.Task),
                    testStage2 = test2[s.Task],
                }),
                stage1 = Summary(stage1),
                stage2 = Summary(stage2),
                trainTokensPerEpoch = trainTokens,
                expertWeights = weights,
            });
            Console.WriteLine($"results: {path}");
        }
        return 0;
    }

    /// <summary>A recipe probe: stage 1's dev accuracy per task and its epochs, no test scoring (settings are chosen on dev).</summary>
    private static int ReportStage1(BenchArgs args, string name, RunStamp stamp, MtaOptions mta, AlterTrainingOptions options, IReadOnlyList<TaskSplits> splits, StageResult stage1)
    {
        Console.WriteLine();
        Console.WriteLine($"| {name} | " + string.Join(" | ", splits.Select(s => $"{s.Task} {stage1.DevAccuracy.GetValueOrDefault(s.Task):F4}"))
                          + $" | dev mean {stage1.MeanDevAccuracy:F4} | best epoch {stage1.BestEpoch} of {stage1.EpochsRun} | {stage1.WallTime.TotalMinutes:F1} min |");
        var path = ResultsFile.Write(args, $"{name}.json", new
        {
            stamp, mta = mta.ToString(), options = options with { },
            devStage1 = splits.ToDictionary(s => s.Task, s => stage1.DevAccuracy.GetValueOrDefault(s.Task)),
            stage1 = Summary(stage1),
        });
        Console.WriteLine($"results: {path}");
        return 0;
    }

    private static double Double(BenchArgs args, string name, double fallback)
        => args.Get(name, "") is { Length: > 0 } v ? double.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    private static object Summary(StageResult r) => new
    {
        r.EpochsRun, r.BestEpoch, r.EpochLosses, wallSeconds = r.WallTime.TotalSeconds, r.TrainableParameters, r.TotalParameters, r.MeanDevAccuracy,
    };

    private static MtaOptions MtaFromArgs(BenchArgs args)
    {
        var kind = args.Get("kind", "copy") switch
        {
            "copy" => ExpertKind.FeedForwardCopy,
            "bottleneck" => ExpertKind.Bottleneck,
            var other => throw new ArgumentException($"--kind must be copy or bottleneck, not '{other}'."),
        };
        var defaults = new MtaOptions();
        return new MtaOptions
        {
            ExpertKind = kind,
            Layers = args.GetList("layers")?.Select(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
            DefaultLayerCount = args.GetInt("mta-layers", defaults.DefaultLayerCount),
            ExpertCount = args.Get("experts", "") is { Length: > 0 } e ? int.Parse(e, System.Globalization.CultureInfo.InvariantCulture) : null,
            AdapterSize = args.GetInt("adapter-size", defaults.AdapterSize),
            ExpertsPerTask = args.GetOptionalInt("experts-per-task"),
            RouteWarmupFraction = Double(args, "route-warmup", defaults.RouteWarmupFraction),
            Pooling = args.Get("pooling", "mean") == "cls" ? PoolingKind.Cls : PoolingKind.Mean,
            HeadDropout = Double(args, "head-dropout", defaults.HeadDropout),
        };
    }

    private static Dictionary<string, ClassificationMetrics> Test(AlterModel model, IReadOnlyList<TaskSplits> splits)
    {
        var clock = Stopwatch.StartNew();
        var result = Suite.TestScoring.Score(model, splits);
        Console.WriteLine($"test: {splits.Sum(s => s.Test.Count)} rows scored in {clock.Elapsed.TotalSeconds:F1} s; mean accuracy {result.Values.Average(m => m.Accuracy):F4}");
        return result;
    }

    private sealed class ConsoleProgress : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => Console.WriteLine(value);
    }
}
