using Microsoft.ML.Alter.Data;

namespace Microsoft.ML.Alter.Bench.Scaling;

/// <summary>`scaling`: training and scoring cost for 2, 4 and 7 tasks (first k task folders, or --tasks); results/scaling.json.</summary>
internal static class ScalingCommand
{
    public static int Run(BenchArgs args)
    {
        if (args.GetInt("threads", 0) is > 0 and var threads)
            TorchSharp.torch.set_num_threads(threads);
        var quick = args.Flag("quick");
        var data = args.DataFolder();
        var tasks = args.GetList("tasks") ?? TaskFolder.Tasks(data);
        var counts = args.GetList("counts")?.Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToList()
                     ?? new[] { 2, 4, 7 }.Where(k => k <= tasks.Count).DefaultIfEmpty(tasks.Count).ToList();
        var options = new TaskScalingOptions
        {
            TrainRows = args.GetInt("train-rows", quick ? 128 : 384),
            WarmupRows = args.GetInt("warmup-rows", quick ? 32 : 64),
            ScoreRows = args.GetInt("score-rows", quick ? 128 : 512),
            BatchSize = args.GetInt("batch", 32),
        };
        var stamp = RunStamp.Capture();
        stamp.PrintHeader();
        Console.WriteLine($"tasks in order: {string.Join(", ", tasks)}; counts {string.Join(", ", counts)}; "
                          + $"{options.WarmupRows} warm-up + {options.TrainRows} timed training rows, {options.ScoreRows} scored rows, batch {options.BatchSize}");

        var result = TaskScaling.Measure(data, tasks, counts, options, Console.WriteLine);

        Console.WriteLine();
        Console.WriteLine($"scored rows: {result.ScoreRowsFrom}, the same for every count");
        Console.WriteLine("| tasks | experts | MFLOP/token | train tokens/example | train ms/example | train tokens/s | train GFLOP/s (3× fwd) | score ms/row | score tokens/s | score GFLOP/s |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in result.Points)
            Console.WriteLine($"| {p.TaskCount} | {p.Cost.Structure} | {p.Cost.AlterFlopsPerToken / 1e6:F1} | {p.TrainTokens / (double)p.TrainRows:F1} | {p.TrainMsPerExample:F1} | {p.TrainTokensPerSecond:F0} | "
                              + $"{p.TrainGflopsPerSecond:F1} | {p.ScoreMsPerRow:F2} | {p.ScoreTokensPerSecond:F0} | {p.ScoreGflopsPerSecond:F1} |");
        Console.WriteLine();
        Console.WriteLine($"training rows per count: {string.Join(", ", result.Points.Select(p => $"{p.TaskCount} tasks {p.TrainRows} rows / {p.TrainSteps} steps / {p.TrainTokens} tokens"))}");

        var file = ResultsFile.Write(args, args.Get("name", "scaling") + ".json", new { stamp, loadAverageAtEnd = RunStamp.ReadLoadAverage(), result });
        Console.WriteLine($"wrote {file}");
        return 0;
    }
}
