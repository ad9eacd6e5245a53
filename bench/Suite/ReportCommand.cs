using System.CommandLine;
using Microsoft.ML.Alter.Bench.Cli;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>
/// `report --from results/benchmark-MODE.json[,more.json...]`: writes BENCHMARKS-MODE.md again from raw JSON, so the
/// tables can be regenerated (after the report's layout changes, or from a run cut short) without training anything.
/// Several files merge into one report: a full run too long for one sitting can run its parts separately with
/// `--systems` (same data, caps and epochs) and be reported together; the first file gives the run's header.
/// </summary>
internal static class ReportCommand
{
    public static CliCommand Create()
    {
        var from = Opt.List("--from", "benchmark-MODE.json files written by benchmark runs; several parts of one plan merge into one report");
        from.Required = true;
        var output = Opt.Text("--out", "Folder for BENCHMARKS-MODE.md (default: the first file's)");
        var command = new CliCommand("report", "BENCHMARKS-MODE.md again from raw JSON, nothing trained");
        Opt.AddTo(command, from, output);
        command.SetAction(r => Run(r.ListOrNull(from)!, r.GetValue(output)));
        return command;
    }

    private static int Run(IReadOnlyList<string> files, string? output)
    {
        foreach (var file in files)
            if (!File.Exists(file))
                throw new FileNotFoundException($"No results file '{file}'.", file);
        var report = ResultsFile.Read<BenchmarkReport>(files[0]);
        if (files.Count > 1)
            report.MergedParts = new() { Stamp(report) };
        foreach (var file in files.Skip(1))
        {
            var part = ResultsFile.Read<BenchmarkReport>(file);
            report.MergedParts!.Add(Stamp(part));
            if (part.Plan with { Mode = report.Plan.Mode } != report.Plan || !part.Tasks.SequenceEqual(report.Tasks))
                throw new InvalidDataException($"'{file}' ran with other tasks, rows or epochs than '{files[0]}'; only parts of one plan can be merged.");
            var duplicate = part.Systems.FirstOrDefault(p => report.Systems.Any(s => s.Name == p.Name));
            if (duplicate is not null)
                throw new InvalidDataException($"System '{duplicate.Name}' is in '{file}' and in an earlier file.");
            report.Systems.AddRange(part.Systems);
            // The matmul peak of shared cloud cores drifts by 20% over hours: the training throughput (scaling) is put
            // beside the peak measured in the same run whenever that run measured one.
            if (part.PeakGflops is not null && (report.PeakGflops is null || (part.Scaling is not null && report.Scaling is null)))
                report.PeakGflops = part.PeakGflops;
            report.TrainingPeakRssBytes = Math.Max(report.TrainingPeakRssBytes ?? 0, part.TrainingPeakRssBytes ?? 0) is > 0 and var peak ? peak : null;
            report.Scoring ??= part.Scoring;
            report.Scaling ??= part.Scaling;
            report.TotalSeconds += part.TotalSeconds;
            report.Parts += part.Parts;
        }
        var from = files[0];
        static PartStamp Stamp(BenchmarkReport r) => new(r.Run, r.TotalSeconds, r.LoadAverageAtEnd, r.Measured());
        var folder = output ?? Path.GetDirectoryName(Path.GetFullPath(from))!;
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"BENCHMARKS-{report.Plan.Mode}.md");
        File.WriteAllText(path, BenchmarksMarkdown.Write(report));
        Console.WriteLine($"wrote {path} from {string.Join(", ", files)} ({report.Systems.Count} systems)");
        return 0;
    }
}
