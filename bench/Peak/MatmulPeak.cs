using System.Diagnostics;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Bench.Peak;

/// <summary>
/// A float32 (batched) matrix product [Batch, M, K] × [Batch, K, N]. TransposedB stores B as [N, K] and multiplies by its
/// transposed view, which is what nn.Linear does with its weight, so layer shapes are timed as training runs them.
/// </summary>
public sealed record MatmulShape(string Name, long Batch, long M, long K, long N, bool TransposedB = false)
{
    public double Flops => 2.0 * Batch * M * K * N;

    public override string ToString() => (Batch > 1 ? $"{Batch}×" : "") + $"[{M}, {K}]×[{K}, {N}]" + (TransposedB ? " (B transposed)" : "");
}

public sealed record MatmulMeasurement(MatmulShape Shape, double Gflops, double BestSecondsPerCall, int CallsPerSample, int Samples);

/// <summary>
/// Measures fp32 matmul throughput on the CPU with TorchSharp (the same libtorch and thread count that training
/// uses), so a training run can report its achieved GFLOP/s next to what this machine can do at all.
/// </summary>
public static class MatmulPeak
{
    /// <summary>Large square products: the machine's practical peak is the best of these.</summary>
    public static IReadOnlyList<MatmulShape> Square { get; } = new[]
    {
        new MatmulShape("square 2048", 1, 2048, 2048, 2048),
        new MatmulShape("square 4096", 1, 4096, 4096, 4096),
    };

    /// <summary>
    /// The products of one MiniLM-style layer's forward and backward pass at a batch of <paramref name="batch"/>
    /// sequences of <paramref name="length"/> tokens (defaults: 32 × 40, all-MiniLM-L6-v2's 384 / 1536 / 12 heads).
    /// </summary>
    public static IReadOnlyList<MatmulShape> TransformerTraining(int batch = 32, int length = 40, int hidden = 384, int intermediate = 1536, int heads = 12)
    {
        long tokens = (long)batch * length, headDim = hidden / heads;
        return new[]
        {
            new MatmulShape("q/k/v/attention-output projection", 1, tokens, hidden, hidden, TransposedB: true),
            new MatmulShape("FFN up (intermediate)", 1, tokens, hidden, intermediate, TransposedB: true),
            new MatmulShape("FFN down (output)", 1, tokens, intermediate, hidden, TransposedB: true),
            new MatmulShape("FFN up weight gradient", 1, intermediate, tokens, hidden),
            new MatmulShape("attention scores Q·Kᵀ", (long)batch * heads, length, headDim, length),
            new MatmulShape("attention context P·V", (long)batch * heads, length, length, headDim),
        };
    }

    /// <summary>The machine's fp32 peak as the best of the large square products, for reporting beside a training run.</summary>
    public static double MeasurePeakGflops(int samples = 7) => Square.Max(shape => Measure(shape, samples).Gflops);

    /// <summary>
    /// Best-of-<paramref name="samples"/> throughput after a warm-up, each sample running enough calls to last at
    /// least <paramref name="minSampleSeconds"/> so small shapes are not lost in timer and dispatch noise.
    /// </summary>
    public static MatmulMeasurement Measure(MatmulShape shape, int samples = 7, double minSampleSeconds = 0.2)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using var generator = new TorchSharp.torch.Generator(seed: 1);
        // A batched B of its own per batch entry: a single broadcast B would let libtorch fold the batch into one big
        // product, which is not what attention's bmm gets to do.
        long[] Dims(long rows, long columns) => shape.Batch > 1 ? new[] { shape.Batch, rows, columns } : new[] { rows, columns };
        var a = rand(Dims(shape.M, shape.K), generator: generator);
        var b = shape.TransposedB ? rand(Dims(shape.N, shape.K), generator: generator).transpose(-1, -2) : rand(Dims(shape.K, shape.N), generator: generator);

        double Time(int calls)
        {
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
                a.matmul(b).Dispose();
            return clock.Elapsed.TotalSeconds;
        }

        // Warm-up (thread pool start, allocator, CPU clocks), also giving the call count per sample.
        var once = Time(1);
        var calls = Math.Max(1, (int)Math.Ceiling(minSampleSeconds / Math.Max(once, 1e-6)));
        Time(calls);
        var best = double.MaxValue;
        for (var s = 0; s < samples; s++)
            best = Math.Min(best, Time(calls) / calls);
        return new MatmulMeasurement(shape, shape.Flops / best / 1e9, best, calls, samples);
    }
}
