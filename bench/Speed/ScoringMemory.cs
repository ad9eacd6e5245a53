using System.Diagnostics;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Bench.Speed;

/// <summary>How <see cref="ScoringMemory.Measure"/> runs.</summary>
public sealed record ScoringMemoryOptions
{
    /// <summary>Rows scored in one Transform pass (the input sentences repeated).</summary>
    public long Rows { get; init; } = 100_000;

    /// <summary>The first checkpoint: memory once scoring has settled, which later checkpoints are compared with.</summary>
    public long FirstCheckpoint { get; init; } = 1_000;

    /// <summary>Further checkpoints, evenly spaced up to <see cref="Rows"/>, so a slow growth shows as a trend.</summary>
    public int Checkpoints { get; init; } = 10;

    public int BatchSize { get; init; } = 32;
}

/// <summary>Memory after <paramref name="Rows"/> rows were scored and the GC had run; <paramref name="Seconds"/> of scoring so far.</summary>
public sealed record MemoryCheckpoint(long Rows, double Seconds, MemorySample Memory);

/// <param name="Before">After the model was loaded, before scoring.</param>
/// <param name="RssGrowthBytes">RSS at the last checkpoint minus RSS at the first (the target is flat: about 0).</param>
/// <param name="ManagedGrowthBytes">The same for the .NET heap.</param>
/// <param name="PeakRssBytes">Peak RSS of the process at the end (reset before scoring when <paramref name="PeakResetBeforeScoring"/>).</param>
public sealed record ScoringMemoryResult(long Rows, int BatchSize, MemorySample Before, IReadOnlyList<MemoryCheckpoint> Checkpoints,
    long RssGrowthBytes, long ManagedGrowthBytes, long PeakRssBytes, bool PeakResetBeforeScoring, double RowsPerSecond);

/// <summary>
/// Whether serving leaks: one long <c>Transform</c> pass over the sentences repeated (made lazily, one row at a time, so the
/// input takes no memory), with the process's RSS and .NET heap read after a full GC at checkpoints along the way.
/// </summary>
public static class ScoringMemory
{
    /// <summary>Scores <see cref="ScoringMemoryOptions.Rows"/> rows; the model is used, not disposed.</summary>
    /// <param name="log">Receives a line per checkpoint.</param>
    public static ScoringMemoryResult Measure(AlterModel model, IReadOnlyList<TaskInput> sentences, ScoringMemoryOptions? options = null, Action<string>? log = null)
    {
        options ??= new ScoringMemoryOptions();
        if (sentences.Count == 0)
            throw new ArgumentException("No sentences to score.", nameof(sentences));
        var ml = new MLContext(seed: 1);
        var alter = AlterTransformer.FromModel(ml, model, sentence2ColumnName: nameof(ScoringRow.Sentence2), scoringBatchSize: options.BatchSize);
        var input = ml.Data.LoadFromEnumerable(ScoringRow.Repeated(sentences, options.Rows));
        var marks = CheckpointRows(options);

        var before = ProcessMemory.Sample(collect: true);
        var reset = ProcessMemory.TryResetPeak();
        var checkpoints = new List<MemoryCheckpoint>();
        var scoring = new Stopwatch();
        var scored = alter.Transform(input);
        var predictedColumn = scored.Schema["PredictedLabel"];
        var scoreColumn = scored.Schema["Score"];
        scoring.Start();
        using (var cursor = scored.GetRowCursor(new[] { predictedColumn, scoreColumn }))
        {
            var getPredicted = cursor.GetGetter<uint>(predictedColumn);
            var getScore = cursor.GetGetter<VBuffer<float>>(scoreColumn);
            uint predicted = 0;
            VBuffer<float> score = default;
            long rows = 0;
            var next = 0;
            while (cursor.MoveNext())
            {
                getPredicted(ref predicted);
                getScore(ref score);
                if (++rows != marks[next])
                    continue;
                // The collection is not scoring: the clock stops while memory is read.
                scoring.Stop();
                var checkpoint = new MemoryCheckpoint(rows, scoring.Elapsed.TotalSeconds, ProcessMemory.Sample(collect: true));
                checkpoints.Add(checkpoint);
                log?.Invoke($"{rows,9:N0} rows, {checkpoint.Seconds,7:F1} s: RSS {Mib(checkpoint.Memory.RssBytes):F0} MiB, "
                            + $"peak {Mib(checkpoint.Memory.PeakRssBytes):F0} MiB, .NET heap {Mib(checkpoint.Memory.ManagedHeapBytes):F1} MiB");
                next = Math.Min(next + 1, marks.Length - 1);
                scoring.Start();
            }
            scoring.Stop();
            if (rows != options.Rows)
                throw new InvalidOperationException($"Transform returned {rows} rows for {options.Rows}.");
        }

        var first = checkpoints[0].Memory;
        var last = checkpoints[^1].Memory;
        return new ScoringMemoryResult(options.Rows, options.BatchSize, before, checkpoints, last.RssBytes - first.RssBytes,
            last.ManagedHeapBytes - first.ManagedHeapBytes, ProcessMemory.Sample().PeakRssBytes, reset, options.Rows / scoring.Elapsed.TotalSeconds);
    }

    public static double Mib(long bytes) => bytes / (1024.0 * 1024);

    /// <summary>The first checkpoint, then <see cref="ScoringMemoryOptions.Checkpoints"/> evenly spaced ones ending at the last row.</summary>
    private static long[] CheckpointRows(ScoringMemoryOptions options)
    {
        if (options.Rows < 1 || options.FirstCheckpoint < 1 || options.FirstCheckpoint > options.Rows || options.Checkpoints < 1)
            throw new ArgumentException($"Need 1 ≤ first checkpoint ({options.FirstCheckpoint}) ≤ rows ({options.Rows}) and at least one more checkpoint.");
        var step = (options.Rows - options.FirstCheckpoint) / (double)options.Checkpoints;
        return Enumerable.Range(1, options.Checkpoints).Select(i => options.FirstCheckpoint + (long)Math.Round(step * i))
            .Prepend(options.FirstCheckpoint).Distinct().ToArray();
    }
}
