using System.Diagnostics;
using Microsoft.ML.Alter.Bench.Baselines;
using Microsoft.ML.Alter.Bench.Peak;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>
/// The benchmark: every system on the same splits of every task folder, test metrics of the model kept on dev, costs,
/// the machine's matmul peak, scoring speed and memory, and scaling with the number of tasks; raw JSON written after
/// every system (a run cut short keeps what it measured) and BENCHMARKS.md at the end.
/// </summary>
internal static class SuiteCommand
{
    public static int Run(BenchArgs args)
    {
        if (args.GetInt("threads", 0) is > 0 and var threads)
            TorchSharp.torch.set_num_threads(threads);
        var plan = SuitePlan.From(args);
        var parts = SuitePlan.Parts(args);
        var dataFolder = args.DataFolder();
        var splits = TaskSplits.LoadAll(dataFolder, args.GetList("tasks"), plan.MaxTrain, plan.MaxDev, plan.MaxTest);
        var stamp = RunStamp.Capture();
        var clock = Stopwatch.StartNew();
        void Log(string line) => Console.WriteLine($"[{clock.Elapsed:hh\\:mm\\:ss}] {line}");
        stamp.PrintHeader();
        Console.WriteLine($"plan: {plan}");
        Console.WriteLine($"data: {dataFolder}: " + string.Join(", ", splits.Select(s => $"{s.Task}{(s.IsPair ? " (pairs)" : "")} {s.Train.Count}/{s.Dev.Count}/{s.Test.Count}")));

        var report = new BenchmarkReport(stamp, plan, dataFolder, splits.Select(TaskInfo.Of).ToList());
        string Save()
        {
            report.TotalSeconds = clock.Elapsed.TotalSeconds;
            report.LoadAverageAtEnd = RunStamp.ReadLoadAverage();
            return ResultsFile.Write(args, $"benchmark-{plan.Mode}.json", report);
        }
        void Add(SystemRun run)
        {
            report.Systems.Add(run);
            Log($"== {run.Name}: mean test accuracy {run.MeanTestAccuracy:F4} ({string.Join(", ", run.Tasks.Select(t => $"{t.Task} {t.Test.Accuracy:F3}"))}), train {run.TrainSeconds:F0} s");
            Save();
        }

        if (parts.Contains("peak"))
        {
            Log("fp32 matmul peak (large square TorchSharp matmul)");
            report.PeakGflops = MatmulPeak.Square.Max(s => MatmulPeak.Measure(s, 5).Gflops);
            Log($"peak {report.PeakGflops:F1} GFLOP/s with {TorchSharp.torch.get_num_threads()} threads");
        }
        foreach (var (part, system) in ClassicSystems(parts, args))
            using (system as IDisposable)
                Add(SystemRun.FromBaseline(part, new SystemResult(system.Name, system.Description,
                    splits.Select(s => system.Run(s, line => Log($"{part}/{s.Task}: {line}"))).ToList())));

        var options = new AlterTrainingOptions
        {
            Stage1 = new StageOptions { Epochs = plan.Epochs1, LearningRate = 5e-5, HeadLearningRate = 1e-3 },
            Stage2 = new StageOptions { Epochs = plan.Epochs2, LearningRate = 5e-5, HeadLearningRate = 1e-3 },
            Seed = args.GetInt("seed", 42),
            ProgressInterval = args.GetInt("progress", 50),
        };
        // The trained default ALTER model, served in the scoring measurements: trained here, or saved by an earlier part
        // (--served FILE); an untrained one when neither (it costs what a trained one does).
        var models = new PartModels(args.Get("out", "results"), plan, report.Tasks);
        var servedFrom = args.Get("served", "") is { Length: > 0 } file ? file : null;
        var servedModel = servedFrom is null ? null : ReadServed(servedFrom);
        if (new[] { "single-ft", "multi-ft" }.Concat(AlterSystems.Parts).Any(parts.Contains))
        {
            using var pretrained = PretrainedCheckpoint.Load(args.Get("base-model", ""));
            var training = new FineTuning(pretrained, options, Log);
            if (parts.Contains("single-ft"))
                Add(training.PlainFineTuning("single-ft", splits, perTask: true));
            if (parts.Contains("multi-ft"))
                Add(training.PlainFineTuning("multi-ft", splits, perTask: false));
            if (AlterSystems.Parts.Any(parts.Contains))
            {
                var stage1File = args.Get("stage1", "") is { Length: > 0 } saved ? saved : null;
                if (AlterSystems.Run(training, splits, parts, pretrained.Config.NumHiddenLayers, stage1File, args.Flag("ablations-stage1-only"), models, Add) is { } trained)
                    (servedModel, servedFrom) = (trained, null);
            }
        }
        if (report.Systems.Count > 0)
            report.TrainingPeakRssBytes = Speed.ProcessMemory.Sample().PeakRssBytes;
        if (parts.Contains("scoring"))
        {
            report.Scoring = ServingMeasurements.Run(dataFolder, splits, servedModel, servedFrom, plan, Log);
            Save();
        }
        if (parts.Contains("scaling"))
        {
            report.Scaling = ServingMeasurements.Scaling(dataFolder, splits, plan, Log);
            Save();
        }

        var path = Save();
        var markdown = BenchmarksMarkdown.Write(report);
        var markdownPath = Path.Combine(Path.GetDirectoryName(path)!, $"BENCHMARKS-{plan.Mode}.md");
        File.WriteAllText(markdownPath, markdown);
        Console.WriteLine();
        Console.Write(markdown);
        Console.WriteLine();
        Console.WriteLine($"wrote {path} and {markdownPath} in {clock.Elapsed:hh\\:mm\\:ss}");
        return 0;
    }

    private static byte[] ReadServed(string file) => File.Exists(file)
        ? File.ReadAllBytes(file)
        : throw new FileNotFoundException($"--served: no model file '{file}' (an `alter` part writes {PartModels.ProductFile} to its --out folder).", file);

    private static IEnumerable<(string Part, IBaselineSystem System)> ClassicSystems(IReadOnlySet<string> parts, BenchArgs args)
    {
        if (parts.Contains("mlnet"))
            yield return ("mlnet-sdca", new TextSdcaBaseline(args.GetDoubles("sdca-l2")));
        if (parts.Contains("minilm"))
        {
            // The embedding cache holds MiniLM: loaded only when this baseline runs, released right after it.
            var embeddings = new EmbeddingCache();
            yield return ("minilm-lbfgs", new DisposingBaseline(new MiniLmLogisticBaseline(embeddings, args.GetDoubles("lbfgs-l2")), embeddings));
        }
    }

    /// <summary>A baseline that owns a resource (the MiniLM embedding cache) and releases it with itself.</summary>
    private sealed class DisposingBaseline(IBaselineSystem inner, IDisposable owned) : IBaselineSystem, IDisposable
    {
        public string Name => inner.Name;

        public string Description => inner.Description;

        public TaskResult Run(TaskSplits task, Action<string> progress) => inner.Run(task, progress);

        public void Dispose() => owned.Dispose();
    }
}
