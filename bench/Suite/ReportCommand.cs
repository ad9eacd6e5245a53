namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>
/// `report --from results/benchmark-MODE.json`: writes BENCHMARKS-MODE.md again from a run's raw JSON, so the tables can be
/// regenerated (for example after the report's layout changes, or from a run cut short) without training anything.
/// </summary>
internal static class ReportCommand
{
    public static int Run(BenchArgs args)
    {
        var from = args.Get("from", "");
        if (from.Length == 0)
            throw new ArgumentException("report needs --from FILE (a benchmark-MODE.json written by a benchmark run).");
        if (!File.Exists(from))
            throw new FileNotFoundException($"No results file '{from}'.", from);
        var report = ResultsFile.Read<BenchmarkReport>(from);
        var folder = args.Get("out", Path.GetDirectoryName(Path.GetFullPath(from))!);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"BENCHMARKS-{report.Plan.Mode}.md");
        File.WriteAllText(path, BenchmarksMarkdown.Write(report));
        Console.WriteLine($"wrote {path} from {from} ({report.Systems.Count} systems)");
        return 0;
    }
}
