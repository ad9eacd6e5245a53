namespace Microsoft.ML.Alter.Bench.Speed;

/// <summary>
/// `memory`: RSS and .NET heap (after a full GC) after 1k rows and along a long Transform pass (100k rows by default), and the
/// peak; the target is flat. results/memory.json.
/// </summary>
internal static class MemoryCommand
{
    public static int Run(BenchArgs args)
    {
        if (args.GetInt("threads", 0) is > 0 and var threads)
            TorchSharp.torch.set_num_threads(threads);
        var quick = args.Flag("quick");
        var options = new ScoringMemoryOptions
        {
            Rows = args.GetInt("rows", quick ? 3_000 : 100_000),
            FirstCheckpoint = args.GetInt("first", 1_000),
            Checkpoints = args.GetInt("checkpoints", 10),
            BatchSize = args.GetInt("batch", 32),
        };
        var task = args.Get("task", "sst2");
        var split = args.Get("split", "test");
        var data = args.DataFolder();
        var stamp = RunStamp.Capture();
        stamp.PrintHeader();

        var sentences = SpeedInputs.Sentences(data, task, split);
        using var model = SpeedInputs.Model(data, args.Get("model", ""));
        Console.WriteLine($"scoring {options.Rows:N0} rows ({task}/{split}.tsv's {sentences.Count} sentences repeated) through Transform, batch {options.BatchSize}");
        var result = ScoringMemory.Measure(model, sentences, options, Console.WriteLine);

        var first = result.Checkpoints[0];
        var last = result.Checkpoints[^1];
        Console.WriteLine();
        Console.WriteLine("| point | rows | RSS MiB | .NET heap MiB |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine($"| model loaded | 0 | {ScoringMemory.Mib(result.Before.RssBytes):F0} | {ScoringMemory.Mib(result.Before.ManagedHeapBytes):F1} |");
        Console.WriteLine($"| first checkpoint | {first.Rows:N0} | {ScoringMemory.Mib(first.Memory.RssBytes):F0} | {ScoringMemory.Mib(first.Memory.ManagedHeapBytes):F1} |");
        Console.WriteLine($"| end | {last.Rows:N0} | {ScoringMemory.Mib(last.Memory.RssBytes):F0} | {ScoringMemory.Mib(last.Memory.ManagedHeapBytes):F1} |");
        Console.WriteLine($"| **growth** (end − first) | | {ScoringMemory.Mib(result.RssGrowthBytes):+0.0;-0.0} | {ScoringMemory.Mib(result.ManagedGrowthBytes):+0.00;-0.00} |");
        Console.WriteLine();
        Console.WriteLine($"peak RSS {ScoringMemory.Mib(result.PeakRssBytes):F0} MiB ({(result.PeakResetBeforeScoring ? "during scoring: reset after loading" : "since process start")}); "
                          + $"{result.RowsPerSecond:F1} rows/s over the pass");

        var file = ResultsFile.Write(args, args.Get("name", "memory") + ".json", new
        {
            stamp,
            loadAverageAtEnd = RunStamp.ReadLoadAverage(),
            data = $"{task}/{split}.tsv repeated",
            model = args.Get("model", "") is { Length: > 0 } m ? m : "untrained, new MtaOptions(), all task folders",
            result,
        });
        Console.WriteLine($"wrote {file}");
        return 0;
    }
}
