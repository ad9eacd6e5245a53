using System.Diagnostics;
using Microsoft.ML.Alter.Bench.Baselines;
using Microsoft.ML.Alter.Bench.Peak;
using Microsoft.ML.Alter.Checkpoints;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>
/// The benchmark: every system on the same splits of every task folder, test metrics of the model kept on dev, costs,
/// the machine's matmul peak, scoring speed and memory, and scaling with the number of tasks; raw JSON written after
/// every system (a run cut short keeps what it measured) and BENCHMARKS-MODE.md at the end. Each part is also a command
/// of its own (`alter`, `baselines`, `scoring`...): the same code with fewer parts.
/// </summary>
internal sealed class SuiteCommand
{
    private readonly SuiteSettings _settings;
    private readonly IReadOnlyList<TaskSplits> _splits;
    private readonly BenchmarkReport _report;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private SuiteCommand(SuiteSettings settings, string dataFolder)
    {
        _settings = settings;
        var plan = settings.Plan;
        _splits = TaskSplits.LoadAll(dataFolder, settings.Tasks, plan.MaxTrain, plan.MaxDev, plan.MaxTest);
        _report = new BenchmarkReport(RunStamp.Capture(), plan, dataFolder, _splits.Select(TaskInfo.Of).ToList());
    }

    public static int Run(SuiteSettings settings)
    {
        var dataFolder = settings.Common.DataFolder();
        new SuiteCommand(settings, dataFolder).RunParts(dataFolder);
        return 0;
    }

    private IReadOnlySet<string> Parts => _settings.Parts;

    private void Log(string line) => Console.WriteLine($"[{_clock.Elapsed:hh\\:mm\\:ss}] {line}");

    private void RunParts(string dataFolder)
    {
        _report.Run.PrintHeader();
        Console.WriteLine($"plan: {_settings.Plan}");
        Console.WriteLine($"data: {dataFolder}: " + string.Join(", ", _splits.Select(s => $"{s.Task}{(s.IsPair ? " (pairs)" : "")} {s.Train.Count}/{s.Dev.Count}/{s.Test.Count}")));
        if (Parts.Contains("peak"))
            MeasurePeak();
        foreach (var (part, system) in ClassicSystems())
            using (system as IDisposable)
                Add(SystemRun.FromBaseline(part, new SystemResult(system.Name, system.Description,
                    _splits.Select(s => system.Run(s, line => Log($"{part}/{s.Task}: {line}"))).ToList())));
        var served = FineTune();
        if (_report.Systems.Count > 0)
            _report.TrainingPeakRssBytes = Speed.ProcessMemory.Sample().PeakRssBytes;
        if (_settings.Stage1Only)
            return;
        if (Parts.Contains("scoring") || Parts.Contains("memory"))
        {
            _report.Scoring = ServingMeasurements.Run(dataFolder, _splits, served, _settings, Log);
            Save();
        }
        if (Parts.Contains("scaling"))
        {
            _report.Scaling = ServingMeasurements.Scaling(dataFolder, _splits, _settings, Log);
            Save();
        }
        WriteMarkdown(Save());
    }

    private void MeasurePeak()
    {
        Log("fp32 matmul peak (large square TorchSharp matmul) and MiniLM training shapes");
        _report.Peak = MatmulPeak.Square.Concat(MatmulPeak.TransformerTraining(_settings.Training.BatchSize))
            .Select(shape => MatmulPeak.Measure(shape, _settings.PeakSamples)).ToList();
        _report.PeakGflops = _report.Peak.Take(MatmulPeak.Square.Count).Max(m => m.Gflops);
        foreach (var m in _report.Peak)
            Log($"{m.Shape.Name,-36} {m.Shape,-34} {m.Gflops,8:F1} GFLOP/s");
        Log($"peak {_report.PeakGflops:F1} GFLOP/s with {TorchSharp.torch.get_num_threads()} threads");
    }

    /// <summary>The fine-tuned systems; returns the model the scoring parts serve (see <see cref="ServedModel"/>).</summary>
    private ServedModel FineTune()
    {
        ServedModel served = _settings.Served is { } file ? ServedModel.FromFile(file) : new(null, null);
        if (!new[] { "single-ft", "multi-ft" }.Concat(AlterSystems.Parts).Any(Parts.Contains))
            return served;
        using var pretrained = PretrainedCheckpoint.Load(_settings.BaseModel);
        var training = new FineTuning(pretrained, _settings.Training, Log);
        if (Parts.Contains("single-ft"))
            Add(training.PlainFineTuning("single-ft", _splits, perTask: true, _settings.Mta));
        if (Parts.Contains("multi-ft"))
            Add(training.PlainFineTuning("multi-ft", _splits, perTask: false, _settings.Mta));
        if (_settings.Stage1Only)
        {
            AlterSystems.Probe(training, _splits, _settings, _report.Run);
            return served;
        }
        var models = new PartModels(_settings.Common.Out, _settings.Plan, _report.Tasks);
        var trained = AlterSystems.Run(training, _splits, _settings, pretrained.Config.NumHiddenLayers, models, Add);
        return trained is null ? served : new ServedModel(trained, null);
    }

    private void Add(SystemRun run)
    {
        _report.Systems.Add(run);
        Log($"== {run.Name}: mean test accuracy {run.MeanTestAccuracy:F4} ({string.Join(", ", run.Tasks.Select(t => $"{t.Task} {t.Test.Accuracy:F3}"))}), train {run.TrainSeconds:F0} s");
        Save();
    }

    private string Save()
    {
        _report.TotalSeconds = _clock.Elapsed.TotalSeconds;
        _report.LoadAverageAtEnd = RunStamp.ReadLoadAverage();
        return _settings.Common.Write($"benchmark-{_settings.Plan.Mode}.json", _report);
    }

    private void WriteMarkdown(string jsonPath)
    {
        var markdown = BenchmarksMarkdown.Write(_report);
        var markdownPath = Path.Combine(Path.GetDirectoryName(jsonPath)!, $"BENCHMARKS-{_settings.Plan.Mode}.md");
        File.WriteAllText(markdownPath, markdown);
        Console.WriteLine();
        Console.Write(markdown);
        Console.WriteLine();
        Console.WriteLine($"wrote {jsonPath} and {markdownPath} in {_clock.Elapsed:hh\\:mm\\:ss}");
    }

    private IEnumerable<(string Part, IBaselineSystem System)> ClassicSystems()
    {
        if (Parts.Contains("mlnet"))
            yield return ("mlnet-sdca", new TextSdcaBaseline(_settings.SdcaL2));
        if (Parts.Contains("minilm"))
        {
            // The embedding cache holds MiniLM: loaded only when this baseline runs, released right after it.
            var embeddings = new EmbeddingCache();
            yield return ("minilm-lbfgs", new DisposingBaseline(new MiniLmLogisticBaseline(embeddings, _settings.LbfgsL2), embeddings));
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

/// <summary>
/// The trained default ALTER model the scoring parts serve: trained in this run, or saved by an earlier part (--served
/// FILE); null when neither (an untrained one then stands in: it costs what a trained one does).
/// </summary>
internal sealed record ServedModel(byte[]? Bytes, string? File)
{
    public static ServedModel FromFile(string file) => System.IO.File.Exists(file)
        ? new(System.IO.File.ReadAllBytes(file), file)
        : throw new FileNotFoundException($"--served: no model file '{file}' (an `alter` part writes {PartModels.ProductFile} to its --out folder).", file);
}
