namespace Microsoft.ML.Alter.Bench.Peak;

/// <summary>`peak`: fp32 matmul GFLOP/s, large square (the machine's peak) and at MiniLM training shapes; results/peak.json.</summary>
internal static class PeakCommand
{
    public static int Run(BenchArgs args)
    {
        var samples = args.GetInt("repeat", 7);
        // A training run started with --threads N is compared with the peak at the same thread count.
        if (args.GetInt("threads", 0) is > 0 and var threads)
            TorchSharp.torch.set_num_threads(threads);
        var stamp = RunStamp.Capture();
        stamp.PrintHeader();

        var square = MatmulPeak.Square.Select(s => Measure(s, samples)).ToList();
        var training = MatmulPeak.TransformerTraining(args.GetInt("batch", 32), args.GetInt("length", 40)).Select(s => Measure(s, samples)).ToList();
        var peak = square.Max(m => m.Gflops);

        Console.WriteLine();
        Console.WriteLine("| product | shape | GFLOP/s | % of peak | ms/call |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (var m in square.Concat(training))
            Console.WriteLine($"| {m.Shape.Name} | {m.Shape} | {m.Gflops:F1} | {100 * m.Gflops / peak:F0}% | {m.BestSecondsPerCall * 1000:F3} |");
        Console.WriteLine();
        Console.WriteLine($"fp32 matmul peak: {peak:F1} GFLOP/s ({TorchSharp.torch.get_num_threads()} TorchSharp threads)");

        var path = ResultsFile.Write(args, "peak.json", new PeakReport(stamp, RunStamp.ReadLoadAverage(), TorchSharp.torch.get_num_threads(), peak, square, training));
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private static MatmulMeasurement Measure(MatmulShape shape, int samples)
    {
        var m = MatmulPeak.Measure(shape, samples);
        Console.WriteLine($"{shape.Name,-36} {shape,-34} {m.Gflops,8:F1} GFLOP/s");
        return m;
    }
}

/// <summary>The raw contents of results/peak.json.</summary>
internal sealed record PeakReport(RunStamp Run, string? LoadAverageAtEnd, int Threads, double PeakGflops, IReadOnlyList<MatmulMeasurement> Square,
    IReadOnlyList<MatmulMeasurement> Training);
