using System.Diagnostics;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Tests.MLNet;

[TestClass]
public sealed class BatchingTests
{
    [TestMethod]
    public void TransformRunsTheNetworkOncePerBatchAndMatchesPredictionEngine()
    {
        var ml = MLNetFixture.Context;
        var model = MLNetFixture.Model;
        var scorer = MLNetFixture.Alter.Scorer;
        var rows = MLNetFixture.Test;   // 80 rows; ScoringBatchSize is 32
        var data = ml.Data.LoadFromEnumerable(rows);

        var calls = scorer.NetworkCalls;
        var scoredView = model.Transform(data);
        Assert.AreEqual(calls, scorer.NetworkCalls, "Transform is lazy");
        // Reading only input columns never runs the network.
        Assert.AreEqual(rows.Count, scoredView.GetColumn<string>("Sentence1").Count());
        Assert.AreEqual(calls, scorer.NetworkCalls, "no scores requested, no network call");

        var clock = Stopwatch.StartNew();
        var batched = ml.Data.CreateEnumerable<ScoredRow>(scoredView, reuseRowObject: false).ToList();
        var batchedTime = clock.Elapsed;
        Assert.AreEqual(3, scorer.NetworkCalls - calls, "80 rows in batches of 32: 3 network calls");
        // Input columns come through the read-ahead unchanged and in order.
        CollectionAssert.AreEqual(rows.Select(r => r.Task + "|" + r.Sentence1).ToArray(), batched.Select(r => r.Task + "|" + r.Sentence1).ToArray());

        var engine = ml.Model.CreatePredictionEngine<TextRow, ScoredRow>(model);
        calls = scorer.NetworkCalls;
        clock.Restart();
        var single = rows.Select(r => engine.Predict(r)).ToList();
        var singleTime = clock.Elapsed;
        Assert.AreEqual(rows.Count, scorer.NetworkCalls - calls, "PredictionEngine: one row per call");

        var maxDiff = 0f;
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(single[i].PredictedLabel, batched[i].PredictedLabel, $"row {i}");
            for (var k = 0; k < single[i].Score.Length; k++)
                maxDiff = Math.Max(maxDiff, Math.Abs(single[i].Score[k] - batched[i].Score[k]));
        }
        Console.WriteLine($"TinyBert, {rows.Count} rows: Transform {rows.Count / batchedTime.TotalSeconds:F0} rows/s, "
                          + $"PredictionEngine {rows.Count / singleTime.TotalSeconds:F0} rows/s; max |score difference| {maxDiff:G3}");
        // Padding to the batch's longest row changes float summation order, not results beyond rounding.
        Assert.IsTrue(maxDiff <= 1e-5f, $"max score difference {maxDiff}");
    }

    [TestMethod]
    public void TransformSortsItsLookAheadWindowByLengthSoBatchesPadLittle()
    {
        var ml = MLNetFixture.Context;
        var scorer = MLNetFixture.Alter.Scorer;
        var tokenizer = MLNetFixture.Alter.Model.Tokenizer;
        // Short and long rows alternate: batches of consecutive rows would pad every short row to a long one's length.
        var source = MLNetFixture.Test.Where(r => r.Sentence2.Length == 0).ToList();
        var rows = Enumerable.Range(0, 64).Select(i => (r: source[i % source.Count], i)).Select(p => new TextRow
        {
            Task = p.r.Task,
            Sentence1 = string.Join(' ', Enumerable.Repeat(p.r.Sentence1.Split(' ')[0], p.i % 2 == 0 ? 1 : 20)),
            Label = p.r.Label,
        }).ToList();
        var lengths = rows.Select(r => tokenizer.Encode(r.Sentence1).Length).ToList();
        long Padded(IEnumerable<int[]> batches) => batches.Sum(b => (long)b.Length * b.Max(i => lengths[i]));
        var consecutive = Padded(Enumerable.Range(0, rows.Count).Chunk(32));
        var sorted = Padded(Microsoft.ML.Alter.Text.LengthBatches.Sorted(lengths, 32));

        var before = scorer.PaddedTokens;
        var scored = ml.Data.CreateEnumerable<ScoredRow>(MLNetFixture.Model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();
        var padded = scorer.PaddedTokens - before;

        CollectionAssert.AreEqual(rows.Select(r => r.Sentence1).ToArray(), scored.Select(r => r.Sentence1).ToArray(), "rows come back in input order");
        Assert.AreEqual(sorted, padded, "the 64 rows are one look-ahead window, scored in length-sorted batches");
        var real = lengths.Sum();
        Console.WriteLine($"real tokens {real}, padded: consecutive batches {consecutive}, Transform {padded}");
        Assert.IsTrue(padded - real < 0.1 * (consecutive - real),
            $"Transform padded {padded - real} tokens; consecutive batches would pad {consecutive - real}");
    }

    [TestMethod]
    public void BatchSizeIsASettingAndShuffledCursorsStillAlignRowsWithTheirScores()
    {
        var ml = MLNetFixture.Context;
        var alter = MLNetFixture.Alter;
        var keyed = MLNetFixture.Keyed(MLNetFixture.Test);
        var expected = Map(alter.Transform(keyed));

        var bySeven = alter.WithScoringOptions(scoringBatchSize: 7);
        var calls = bySeven.Scorer.NetworkCalls;
        var seven = Map(bySeven.Transform(keyed));
        Assert.AreEqual(12, bySeven.Scorer.NetworkCalls - calls, "80 rows in batches of 7");
        // Same rows, same labels; scores agree within rounding (other batch composition, other padding).
        foreach (var (key, (label, scores)) in seven)
        {
            Assert.AreEqual(expected[key].Label, label);
            for (var k = 0; k < scores.Length; k++)
                Assert.AreEqual(expected[key].Scores[k], scores[k], 1e-5f);
        }

        // A shuffled read: every row's scores still belong to that row.
        var shuffled = Map(ml.Data.ShuffleRows(alter.Transform(keyed), seed: 3));
        Assert.AreEqual(expected.Count, shuffled.Count);
        foreach (var (key, value) in shuffled)
            Assert.AreEqual(expected[key].Label, value.Label, key);
    }

    /// <summary>Row (task and texts) → (predicted key, scores).</summary>
    private static Dictionary<string, (uint Label, float[] Scores)> Map(IDataView scored)
    {
        var result = new Dictionary<string, (uint, float[])>();
        using var cursor = scored.GetRowCursor(scored.Schema);
        var task = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["Task"]);
        var text1 = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["Sentence1"]);
        var text2 = cursor.GetGetter<ReadOnlyMemory<char>>(scored.Schema["Sentence2"]);
        var label = cursor.GetGetter<uint>(scored.Schema["PredictedLabel"]);
        var score = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        ReadOnlyMemory<char> t = default, s1 = default, s2 = default;
        uint l = 0;
        VBuffer<float> v = default;
        while (cursor.MoveNext())
        {
            task(ref t);
            text1(ref s1);
            text2(ref s2);
            label(ref l);
            score(ref v);
            // Identical rows (rare) score identically: the first one stands for all.
            result.TryAdd($"{t}|{s1}|{s2}", (l, v.DenseValues().ToArray()));
        }
        return result;
    }
}
