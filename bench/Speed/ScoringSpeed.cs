using System.Diagnostics;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Bench.Speed;

/// <summary>How <see cref="ScoringSpeed.Measure"/> times.</summary>
public sealed record ScoringSpeedOptions
{
    /// <summary>Rows per network call of <c>Transform</c> and of ONNX Runtime; PredictionEngine is timed once per size too.</summary>
    public IReadOnlyList<int> BatchSizes { get; init; } = new[] { 32, 1 };

    /// <summary>Timed passes over all rows per path; the best is kept (other work on a shared machine only ever slows a pass).</summary>
    public int Repeat { get; init; } = 2;

    /// <summary>Rows of the untimed warm-up pass of each path (thread pools, allocators, ONNX Runtime's first-run set-up).</summary>
    public int WarmupRows { get; init; } = 64;

    /// <summary>ONNX Runtime's intra-op threads; TorchSharp's are whatever torch.set_num_threads left.</summary>
    public int OnnxThreads { get; init; } = Environment.ProcessorCount;
}

/// <summary>One path's best pass.</summary>
/// <param name="Engine">"ALTER (ML.NET)" or "ONNX Runtime (MiniLM encoder)".</param>
/// <param name="Path">"Transform", "PredictionEngine" or "InferenceSession.Run".</param>
/// <param name="BatchSize">Rows per network call (the transformer's scoring batch size for the ML.NET paths).</param>
/// <param name="Tokens">Real tokens of the rows ([CLS] and [SEP] included).</param>
/// <param name="PaddedTokens">Tokens the network actually ran on: each batch padded to its longest row.</param>
public sealed record ScoringThroughput(string Engine, string Path, int BatchSize, int Rows, long Tokens, long PaddedTokens, double Seconds)
{
    public double SentencesPerSecond => Rows / Seconds;

    public double TokensPerSecond => Tokens / Seconds;
}

/// <param name="AlterTransformToOnnxAtBatch32">ALTER Transform's sentences/s over ONNX Runtime's at batch 32 (product target ≥ 0.8).</param>
/// <param name="PeakRssBytes">The process's peak resident memory when the measurement ended (model, ONNX session and scoring).</param>
public sealed record ScoringSpeedResult(int Rows, long Tokens, IReadOnlyList<ScoringThroughput> Measurements, double? AlterTransformToOnnxAtBatch32,
    ForwardCost Cost, int TorchThreads, int OnnxThreads, int Repeat, long PeakRssBytes);

/// <summary>
/// Serving speed of an ALTER model through ML.NET (batched <c>Transform</c> read to the end through a cursor over
/// PredictedLabel and Score, and <c>PredictionEngine</c> row by row) beside ONNX Runtime running the plain MiniLM encoder,
/// on the same sentences in the same batches.
/// </summary>
/// <remarks>
/// Every path starts from text: the ML.NET paths tokenize inside scoring, so ONNX Runtime's timing includes tokenizing its
/// batches with the same tokenizer. ONNX Runtime gets the batches <c>Transform</c> forms (windows of
/// <see cref="AlterTransformer.ScoringLookAheadBatches"/> batches sorted by length, each batch padded to its longest row), so
/// both run on the same padded tokens. It computes the encoder only, where ALTER also runs its MTA
/// experts and heads: <see cref="ScoringSpeedResult.Cost"/> says how much more work that is. PredictionEngine scores one row per
/// call whatever the transformer's batch size; it is timed at each size anyway to show that.
/// </remarks>
public static class ScoringSpeed
{
    public const string AlterEngine = "ALTER (ML.NET)";
    public const string OnnxEngine = "ONNX Runtime (MiniLM encoder)";

    /// <summary>Times every path on <paramref name="sentences"/>; the model is used, not disposed.</summary>
    /// <param name="log">Receives a line per timed pass.</param>
    public static ScoringSpeedResult Measure(AlterModel model, IReadOnlyList<TaskInput> sentences, ScoringSpeedOptions? options = null, Action<string>? log = null)
    {
        options ??= new ScoringSpeedOptions();
        if (sentences.Count == 0)
            throw new ArgumentException("No sentences to score.", nameof(sentences));
        var ml = new MLContext(seed: 1);
        var alter = AlterTransformer.FromModel(ml, model, sentence2ColumnName: nameof(ScoringRow.Sentence2));
        var rows = sentences.Select(ScoringRow.From).ToList();
        var lengths = sentences.Select(s => model.Tokenizer.Encode(s.Text, s.Text2).Length).ToList();
        var tokens = lengths.Sum(l => (long)l);
        using var onnx = new OnnxMiniLm(options.OnnxThreads);

        var paths = new List<(string Engine, string Path, int Batch, long Padded, Func<int, double> Time)>();
        foreach (var batch in options.BatchSizes)
        {
            // The transformers share the caller's model: they are not disposed.
            var sized = alter.WithScoringOptions(scoringBatchSize: batch);
            paths.Add((AlterEngine, "Transform", batch, Padded(lengths, batch), n => TimeTransform(ml, sized, rows, n)));
        }
        foreach (var batch in options.BatchSizes)
        {
            var engine = ml.Model.CreatePredictionEngine<ScoringRow, ScoringPrediction>(alter.WithScoringOptions(scoringBatchSize: batch));
            paths.Add((AlterEngine, "PredictionEngine", batch, tokens, n => TimePredictionEngine(engine, rows, n)));
        }
        foreach (var batch in options.BatchSizes)
            paths.Add((OnnxEngine, "InferenceSession.Run", batch, Padded(lengths, batch), n => TimeOnnx(onnx, model.Tokenizer, sentences, batch, n)));

        foreach (var path in paths)
            path.Time(Math.Min(options.WarmupRows, rows.Count));
        var best = paths.Select(_ => double.MaxValue).ToArray();
        // Passes alternate between paths so that a burst of other work on the machine does not land on one path only.
        for (var r = 0; r < options.Repeat; r++)
            for (var p = 0; p < paths.Count; p++)
            {
                var seconds = paths[p].Time(rows.Count);
                best[p] = Math.Min(best[p], seconds);
                log?.Invoke($"pass {r + 1}/{options.Repeat}: {paths[p].Engine} {paths[p].Path} batch {paths[p].Batch}: {seconds:F2} s, {rows.Count / seconds:F1} sentences/s");
            }

        var measurements = paths.Select((p, i) => new ScoringThroughput(p.Engine, p.Path, p.Batch, rows.Count, tokens, p.Padded, best[i])).ToList();
        var alter32 = measurements.FirstOrDefault(m => m.Engine == AlterEngine && m.Path == "Transform" && m.BatchSize == 32);
        var onnx32 = measurements.FirstOrDefault(m => m.Engine == OnnxEngine && m.BatchSize == 32);
        return new ScoringSpeedResult(rows.Count, tokens, measurements,
            alter32 is not null && onnx32 is not null ? alter32.SentencesPerSecond / onnx32.SentencesPerSecond : null,
            ForwardFlops.Of(model.Config), TorchSharp.torch.get_num_threads(), onnx.Threads, options.Repeat, ProcessMemory.Sample().PeakRssBytes);
    }

    /// <summary>
    /// The batches Transform forms: windows of <see cref="AlterTransformer.ScoringLookAheadBatches"/> batches read ahead,
    /// each window sorted by length and cut into batches (indices into the rows).
    /// </summary>
    private static IEnumerable<int[]> TransformBatches(IReadOnlyList<int> lengths, int count, int batch)
    {
        var window = batch * AlterTransformer.ScoringLookAheadBatches;
        for (var start = 0; start < count; start += window)
        {
            var size = Math.Min(window, count - start);
            var windowLengths = Enumerable.Range(start, size).Select(i => lengths[i]).ToList();
            foreach (var b in LengthBatches.Sorted(windowLengths, batch))
                yield return b.Select(i => start + i).ToArray();
        }
    }

    /// <summary>Tokens after padding each of Transform's batches to its longest row.</summary>
    private static long Padded(IReadOnlyList<int> lengths, int batch)
        => TransformBatches(lengths, lengths.Count, batch).Sum(b => (long)b.Length * b.Max(i => lengths[i]));

    private static double TimeTransform(MLContext ml, AlterTransformer alter, List<ScoringRow> rows, int count)
    {
        var input = ml.Data.LoadFromEnumerable(count == rows.Count ? rows : rows.GetRange(0, count));
        var clock = Stopwatch.StartNew();
        var scored = alter.Transform(input);
        var predictedColumn = scored.Schema["PredictedLabel"];
        var scoreColumn = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor(new[] { predictedColumn, scoreColumn });
        var getPredicted = cursor.GetGetter<uint>(predictedColumn);
        var getScore = cursor.GetGetter<VBuffer<float>>(scoreColumn);
        uint predicted = 0;
        VBuffer<float> score = default;
        var seen = 0;
        while (cursor.MoveNext())
        {
            getPredicted(ref predicted);
            getScore(ref score);
            seen++;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        if (seen != count || predicted == 0)
            throw new InvalidOperationException($"Transform returned {seen} rows for {count}, last predicted key {predicted}.");
        return seconds;
    }

    private static double TimePredictionEngine(PredictionEngine<ScoringRow, ScoringPrediction> engine, List<ScoringRow> rows, int count)
    {
        var output = new ScoringPrediction();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
            engine.Predict(rows[i], ref output);
        var seconds = clock.Elapsed.TotalSeconds;
        if (output.PredictedLabel == 0)
            throw new InvalidOperationException("PredictionEngine returned no prediction.");
        return seconds;
    }

    private static double TimeOnnx(OnnxMiniLm onnx, BertTextTokenizer tokenizer, IReadOnlyList<TaskInput> sentences, int batch, int count)
    {
        var clock = Stopwatch.StartNew();
        var window = batch * AlterTransformer.ScoringLookAheadBatches;
        for (var start = 0; start < count; start += window)
        {
            // As Transform does: tokenize a window, sort it by length, run it in batches.
            var encoded = new List<EncodedInput>(window);
            for (var i = start; i < Math.Min(count, start + window); i++)
                encoded.Add(tokenizer.Encode(sentences[i].Text, sentences[i].Text2));
            foreach (var b in LengthBatches.Sorted(encoded.Select(e => e.Length).ToList(), batch))
                onnx.Run(b.Select(i => encoded[i]).ToList(), tokenizer.PaddingId);
        }
        return clock.Elapsed.TotalSeconds;
    }
}
