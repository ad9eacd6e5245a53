using System.Diagnostics;

namespace Microsoft.ML.Alter.Bench.Baselines;

/// <summary>
/// `baselines`: per task, the classic ML.NET text classifier and logistic regression on frozen MiniLM embeddings,
/// each with L2 chosen on dev and scored once on test; results/baselines.json and a Markdown table.
/// </summary>
internal static class BaselinesCommand
{
    public static int Run(BenchArgs args)
    {
        var dataFolder = args.DataFolder();
        int? maxTrain = args.Get("max-train", "") is { Length: > 0 } ? args.GetInt("max-train", 0) : null;
        if (maxTrain is <= 0)
            throw new ArgumentException("--max-train must be a positive number of rows.");
        var stamp = RunStamp.Capture();
        stamp.PrintHeader();
        var tasks = TaskSplits.LoadAll(dataFolder, args.GetList("tasks"), maxTrain);
        Console.WriteLine($"data: {dataFolder}: " + string.Join(", ", tasks.Select(t =>
            $"{t.Task}{(t.IsPair ? " (pairs)" : "")} {t.Train.Count}/{t.Dev.Count}/{t.Test.Count}")) + " train/dev/test rows"
            + (maxTrain is null ? "" : $" (train capped at {maxTrain}, seed {TaskSplits.SubsampleSeed})"));

        var clock = Stopwatch.StartNew();
        var chosen = args.GetList("systems") ?? new[] { "mlnet", "minilm" };
        if (chosen.Except(new[] { "mlnet", "minilm" }, StringComparer.OrdinalIgnoreCase).FirstOrDefault() is { } unknown)
            throw new ArgumentException($"--systems: unknown system '{unknown}'; use mlnet, minilm or both.");
        // Loading MiniLM costs seconds and hundreds of MB; only when its baseline runs.
        using var embeddings = chosen.Contains("minilm", StringComparer.OrdinalIgnoreCase) ? new EmbeddingCache() : null;
        var systems = new List<IBaselineSystem>();
        if (chosen.Contains("mlnet", StringComparer.OrdinalIgnoreCase))
            systems.Add(new TextSdcaBaseline(args.GetDoubles("sdca-l2")));
        if (embeddings is not null)
            systems.Add(new MiniLmLogisticBaseline(embeddings, args.GetDoubles("lbfgs-l2")));
        var results = systems.ToDictionary(s => s, _ => new List<TaskResult>());
        foreach (var task in tasks)
            foreach (var system in systems)
            {
                void Progress(string line) => Console.WriteLine($"[{clock.Elapsed.TotalSeconds,7:F1} s] {task.Task} / {system.Name}: {line}");
                Progress($"training on {task.Train.Count}{(task.Train.Count < task.FullTrainCount ? $" of {task.FullTrainCount}" : "")} rows, {task.Labels.Count} classes");
                var result = system.Run(task, Progress);
                Progress($"selected L2 {result.SelectedL2:G3}: dev {result.DevAccuracy:F4}, test {result.Test.Accuracy:F4}, "
                         + $"MCC {result.Test.Mcc:F4}, macro-F1 {result.Test.MacroF1:F4}, train {result.TrainSeconds:F1} s");
                results[system].Add(result);
            }

        var report = new BaselineReport(stamp, RunStamp.ReadLoadAverage(), dataFolder, maxTrain, maxTrain is null ? null : TaskSplits.SubsampleSeed,
            clock.Elapsed.TotalSeconds, systems.Select(s => new SystemResult(s.Name, s.Description, results[s])).ToList());
        var path = ResultsFile.Write(args, "baselines.json", report);
        Console.WriteLine();
        Console.Write(BaselineTable.Markdown(report));
        Console.WriteLine();
        Console.WriteLine($"wrote {path} (total {clock.Elapsed.TotalSeconds:F0} s; load average at end {report.LoadAverageAtEnd ?? "unknown"})");
        return 0;
    }
}

/// <summary>The raw contents of results/baselines.json.</summary>
internal sealed record BaselineReport(RunStamp Run, string? LoadAverageAtEnd, string Data, int? MaxTrain, int? SubsampleSeed, double TotalSeconds,
    IReadOnlyList<SystemResult> Systems);
