using System.Globalization;
using System.Text;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>BENCHMARKS.md from a run's report: what ran where, the quality table, costs, and every target with its figure.</summary>
internal static class BenchmarksMarkdown
{
    /// <summary>Systems compared with ALTER for the "above every other system" target; ablations are variants of ALTER itself.</summary>
    private static readonly string[] Competitors = { "mlnet-sdca", "minilm-lbfgs", "single-ft", "multi-ft", AlterSystems.Stage1Name };

    public static string Write(BenchmarkReport report)
    {
        var md = new StringBuilder();
        var run = report.Run;
        md.AppendLine($"## Benchmark run ({report.Plan.Mode})").AppendLine();
        md.AppendLine($"- Date: {run.Date}; machine: {run.Machine}; load average at start {run.LoadAverage ?? "?"}, at end {report.LoadAverageAtEnd ?? "?"}");
        md.AppendLine($"- Command: `{run.Command}`; revision `{run.GitRevision ?? "unknown"}`");
        md.AppendLine($"- Plan: {report.Plan}; " + (report.Parts > 1
            ? $"{report.Parts} runs merged (the header is the first's), {TimeSpan.FromSeconds(report.TotalSeconds):hh\\:mm\\:ss} in all"
            : $"whole run {TimeSpan.FromSeconds(report.TotalSeconds):hh\\:mm\\:ss}"));
        if (report.MergedParts is { } merged)
            foreach (var (p, i) in merged.Select((p, i) => (p, i + 1)))
                md.AppendLine($"- Part {i}: {p.Run.Date}, {TimeSpan.FromSeconds(p.Seconds):hh\\:mm\\:ss}, load average {p.Run.LoadAverage ?? "?"} → {p.LoadAverageAtEnd ?? "?"}; "
                              + $"`{p.Run.Command}`; revision `{p.Run.GitRevision ?? "unknown"}`; measured {string.Join(", ", p.Measured)}");
        if (report.PeakGflops is { } peak)
            md.AppendLine(report.Parts > 1
                ? $"- fp32 matmul peak: {peak:F1} GFLOP/s (from the part that measured the training throughput when it measured one, else the first; each part's above)"
                : $"- fp32 matmul peak measured in this run: {peak:F1} GFLOP/s");
        md.AppendLine();
        md.AppendLine("| task | kind | classes | train rows | dev rows | test rows |").AppendLine("|---|---|---:|---:|---:|---:|");
        foreach (var t in report.Tasks)
            md.AppendLine($"| {t.Task} | {(t.IsPair ? "pairs" : "single")} | {t.Classes} | {Of(t.TrainRows, t.FullTrainRows)} | {Of(t.DevRows, t.FullDevRows)} | {Of(t.TestRows, t.FullTestRows)} |");
        md.AppendLine();

        var tasks = report.Tasks.Select(t => t.Task).ToList();
        md.AppendLine("### Test accuracy (model kept on dev)").AppendLine();
        md.AppendLine($"| system | {string.Join(" | ", tasks)} | **mean** | dev mean | cola MCC | sms macro-F1 | trainable params | total params | train wall |");
        md.AppendLine($"|---|{string.Concat(tasks.Select(_ => "---:|"))}---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in report.Systems)
        {
            string Metric(string task, Func<Baselines.ClassificationMetrics, double> f) => s.Of(task) is { } o ? f(o.Test).ToString("F3", CultureInfo.InvariantCulture) : "–";
            md.AppendLine($"| {s.Name} | {string.Join(" | ", tasks.Select(t => Metric(t, m => m.Accuracy)))} | **{s.MeanTestAccuracy:F3}** | {s.MeanDevAccuracy:F3} | "
                          + $"{Metric("cola", m => m.Mcc)} | {Metric("sms", m => m.MacroF1)} | {Count(s.TrainableParameters)} | {Count(s.TotalParameters)} | {Duration(s.TrainSeconds)} |");
        }
        md.AppendLine();
        md.AppendLine("Trainable parameters are summed over the models a system trains (7 models for the per-task systems); for the stage-2 rows "
                      + "they are what stage 2 trains (stage 1 trains the whole model). Train wall includes dev evaluation each epoch; for stage-2 rows it is stage 1 + stage 2.");
        md.AppendLine();
        md.AppendLine("| system | what it is |").AppendLine("|---|---|");
        foreach (var s in report.Systems)
            md.AppendLine($"| {s.Name} | {s.Description} |");
        md.AppendLine();
        AppendPeak(md, report);
        AppendServing(md, report);
        AppendScaling(md, report);
        AppendTargets(md, report, tasks);
        return md.ToString();
    }

    private static void AppendPeak(StringBuilder md, BenchmarkReport report)
    {
        if (report.Peak is not { } products || report.PeakGflops is not { } peak)
            return;
        md.AppendLine("### fp32 matmul").AppendLine();
        md.AppendLine("| product | shape | GFLOP/s | % of peak | ms/call |").AppendLine("|---|---|---:|---:|---:|");
        foreach (var m in products)
            md.AppendLine($"| {m.Shape.Name} | {m.Shape} | {m.Gflops:F1} | {100 * m.Gflops / peak:F0}% | {m.BestSecondsPerCall * 1000:F3} |");
        md.AppendLine();
    }

    private static void AppendServing(StringBuilder md, BenchmarkReport report)
    {
        if (report.Scoring is not { } serving)
            return;
        if (serving.Speed is { } speed)
            AppendSpeed(md, serving, speed);
        if (serving.Memory is { } memory)
            AppendMemory(md, serving, memory);
        if (report.TrainingPeakRssBytes is { } trainingPeak)
            md.AppendLine($"Training: peak RSS of the process over all training above (every system, one at a time): {Mib(trainingPeak)}.").AppendLine();
    }

    private static void AppendSpeed(StringBuilder md, ServingReport serving, Speed.ScoringSpeedResult speed)
    {
        md.AppendLine("### Scoring speed").AppendLine();
        md.AppendLine($"{serving.Model}; {serving.Sentences} ({speed.Tokens:N0} tokens); TorchSharp threads {speed.TorchThreads}, ONNX Runtime threads {speed.OnnxThreads}; best of {speed.Repeat}. "
                      + $"Forward cost per token: {speed.Cost}.").AppendLine();
        md.AppendLine("| engine | path | batch | sentences/s | tokens/s | padded tokens | GFLOP/s (weights, padded) |").AppendLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var m in speed.Measurements)
        {
            var flops = m.Engine == Speed.ScoringSpeed.OnnxEngine ? speed.Cost.EncoderFlopsPerToken : speed.Cost.AlterFlopsPerToken;
            md.AppendLine($"| {m.Engine} | {m.Path} | {m.BatchSize} | {m.SentencesPerSecond:F1} | {m.TokensPerSecond:F0} | {m.PaddedTokens:N0} | {flops * m.PaddedTokens / m.Seconds / 1e9:F1} |");
        }
        md.AppendLine();
        if (serving.FlopsFromLinearWeights is { } weights)
            md.AppendLine($"Check: 2 × the encoder's per-token linear weights = {weights / 1e6:F1} MFLOP/token (a routed token runs only its task's k experts of these).").AppendLine();
        md.AppendLine($"Peak RSS while scoring (speed run, ML.NET and ONNX Runtime in one process{(serving.PeakResetBeforeSpeed ? "" : "; includes training: the peak could not be reset")}): {Mib(speed.PeakRssBytes)}.").AppendLine();
    }

    private static void AppendMemory(StringBuilder md, ServingReport serving, Speed.ScoringMemoryResult memory)
    {
        md.AppendLine("### Memory").AppendLine();
        md.AppendLine($"Along one Transform pass of {memory.Rows:N0} rows ({memory.RowsPerSecond:F1} rows/s), peak {Mib(memory.PeakRssBytes)}:").AppendLine();
        md.AppendLine("| rows scored | RSS | .NET heap |").AppendLine("|---:|---:|---:|");
        md.AppendLine($"| 0 (model loaded) | {Mib(memory.Before.RssBytes)} | {Mib(memory.Before.ManagedHeapBytes)} |");
        foreach (var c in memory.Checkpoints)
            md.AppendLine($"| {c.Rows:N0} | {Mib(c.Memory.RssBytes)} | {Mib(c.Memory.ManagedHeapBytes)} |");
        md.AppendLine();
        md.AppendLine($"RSS growth from the first checkpoint to the last: {Mib(memory.RssGrowthBytes)}; .NET heap growth {Mib(memory.ManagedGrowthBytes)}.").AppendLine();
    }

    private static void AppendScaling(StringBuilder md, BenchmarkReport report)
    {
        if (report.Scaling is not { } scaling)
            return;
        md.AppendLine("### Cost against the number of tasks").AppendLine();
        md.AppendLine($"Default ALTER model over the first k tasks (k + 1 experts per mixture); {scaling.Options.TrainRows} training rows after a warm-up, "
                      + $"{scaling.Options.ScoreRows} scored rows from {scaling.ScoreRowsFrom}; {scaling.TorchThreads} threads. "
                      + "Training GFLOP/s counts 3 × the forward weight FLOPs of the real tokens.").AppendLine();
        md.AppendLine("| tasks | experts | forward MFLOP/token | train ms/example | train tokens/s | train GFLOP/s | "
                      + (report.PeakGflops is null ? "" : "% of peak | ") + "score ms/row | score tokens/s |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|" + (report.PeakGflops is null ? "" : "---:|") + "---:|---:|");
        foreach (var p in scaling.Points)
            md.AppendLine($"| {p.TaskCount} | {p.Cost.Structure} | {p.Cost.AlterFlopsPerToken / 1e6:F1} | {p.TrainMsPerExample:F1} | {p.TrainTokensPerSecond:F0} | {p.TrainGflopsPerSecond:F1} | "
                          + (report.PeakGflops is { } peak ? $"{100 * p.TrainGflopsPerSecond / peak:F0}% | " : "") + $"{p.ScoreMsPerRow:F2} | {p.ScoreTokensPerSecond:F0} |");
        md.AppendLine();
    }

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):F0} MiB";

    private static void AppendTargets(StringBuilder md, BenchmarkReport report, IReadOnlyList<string> tasks)
    {
        var alter = report.Systems.FirstOrDefault(s => s.Name == AlterSystems.DefaultName);
        if (alter is null)
            return;
        md.AppendLine("### Targets (ALTER 1+2 = the product default)").AppendLine();
        md.AppendLine("| target | measured | met |").AppendLine("|---|---|---|");
        md.AppendLine($"| mean test accuracy ≥ 0.87 | {alter.MeanTestAccuracy:F3} ({Signed(alter.MeanTestAccuracy - 0.87)}) | {Yes(alter.MeanTestAccuracy >= 0.87)} |");
        foreach (var other in report.Systems.Where(s => Competitors.Contains(s.Name)))
            md.AppendLine($"| mean above {other.Name} ({other.MeanTestAccuracy:F3}) | {Signed(alter.MeanTestAccuracy - other.MeanTestAccuracy)} | {Yes(alter.MeanTestAccuracy > other.MeanTestAccuracy)} |");
        if (report.Systems.FirstOrDefault(s => s.Name == "multi-ft") is { } multi)
        {
            var wins = tasks.Where(t => alter.Of(t)?.Test.Accuracy > multi.Of(t)?.Test.Accuracy).ToList();
            md.AppendLine($"| above multi-task full fine-tuning on ≥ 5 of {tasks.Count} tasks | {wins.Count} ({string.Join(", ", wins)}) | {Yes(wins.Count >= 5)} |");
        }
        if (Number(alter.Details?.GetValueOrDefault("stage2TrainableFraction")) is { } fraction)
            md.AppendLine($"| stage-2 trainable parameters < 10% of the model | {100 * fraction:F2}% ({alter.TrainableParameters:N0} of {alter.TotalParameters:N0}) | {Yes(fraction < 0.10)} |");
        if (Number(alter.Details?.GetValueOrDefault("stage2WallRatio")) is { } ratio)
            md.AppendLine($"| stage 2 costs a small fraction of stage 1 (wall time ratio) | {ratio:F2} | – |");
        if (report.Scaling?.Points.MaxBy(p => p.TaskCount) is { } all && report.PeakGflops is { } peak)
        {
            var share = all.TrainGflopsPerSecond / peak;
            md.AppendLine($"| training throughput ≥ 50% of the matmul peak ({peak:F1} GFLOP/s) | {all.TrainGflopsPerSecond:F1} GFLOP/s = {100 * share:F0}% ({all.TaskCount} tasks) | {Yes(share >= 0.5)} |");
        }
        if (report.Scoring?.Speed?.AlterTransformToOnnxAtBatch32 is { } onnx)
            md.AppendLine($"| ALTER Transform ≥ 0.8× ONNX Runtime at batch 32 (sentences/s) | {onnx:F2}× (ALTER computes {report.Scoring.Speed!.Cost.AlterToEncoder:F2}× the encoder's FLOPs per token) | {Yes(onnx >= 0.8)} |");
        if (report.Scoring?.Memory is { } memory)
            // Flat = no growth with rows scored; RSS falling after the first checkpoint (allocator returning pages) is flat too.
            md.AppendLine($"| scoring memory flat (RSS after {memory.Rows:N0} rows minus after the first checkpoint, < 64 MiB) | {Signed(memory.RssGrowthBytes / (1024.0 * 1024), "F1")} MiB | {Yes(memory.RssGrowthBytes < 64L * 1024 * 1024)} |");
        md.AppendLine();
    }

    /// <summary>A detail as a number: a double during the run, a JSON number when the report was read back.</summary>
    private static double? Number(object? value) => value switch
    {
        double d => d,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } e => e.GetDouble(),
        _ => null,
    };

    private static string Of(int used, int full) => used == full ? $"{used}" : $"{used} of {full}";

    private static string Signed(double d) => d.ToString("+0.000;−0.000;0.000", CultureInfo.InvariantCulture);

    private static string Signed(double d, string format) => (d >= 0 ? "+" : "−") + Math.Abs(d).ToString(format, CultureInfo.InvariantCulture);

    private static string Yes(bool met) => met ? "yes" : "**no**";

    public static string Count(long n) => n >= 1_000_000 ? $"{n / 1e6:F1} M" : n >= 1_000 ? $"{n / 1e3:F0} k" : n.ToString(CultureInfo.InvariantCulture);

    public static string Duration(double seconds) => seconds >= 120 ? $"{seconds / 60:F1} min" : $"{seconds:F0} s";
}
