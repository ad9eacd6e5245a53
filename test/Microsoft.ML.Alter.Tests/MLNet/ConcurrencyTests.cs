namespace Microsoft.ML.Alter.Tests.MLNet;

/// <summary>One fitted model used from several threads at once scores exactly as it does from one.</summary>
[TestClass]
public sealed class ConcurrencyTests
{
    private const int Threads = 4;

    [TestMethod]
    public void TransformFromSeveralThreadsEqualsTheSequentialResult()
    {
        var ml = MLNetFixture.Context;
        var model = MLNetFixture.Model;
        var data = ml.Data.LoadFromEnumerable(MLNetFixture.Test);
        var expected = Format(ml.Data.CreateEnumerable<ScoredRow>(model.Transform(data), reuseRowObject: false));

        using var start = new Barrier(Threads);
        var results = new List<string>[Threads];
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            start.SignalAndWait();
            // Each thread its own Transform and cursor over the same model; two passes to overlap more.
            for (var pass = 0; pass < 2; pass++)
                results[t] = Format(ml.Data.CreateEnumerable<ScoredRow>(model.Transform(data), reuseRowObject: false));
        });
        for (var t = 0; t < Threads; t++)
            CollectionAssert.AreEqual(expected, results[t], $"thread {t}");
    }

    [TestMethod]
    public void OnePredictionEnginePerThreadEqualsTheSequentialResult()
    {
        var ml = MLNetFixture.Context;
        var model = MLNetFixture.Model;
        var rows = MLNetFixture.Test;
        var sequential = ml.Model.CreatePredictionEngine<TextRow, ScoredRow>(model);
        var expected = Format(rows.Select(r => sequential.Predict(r)));

        using var start = new Barrier(Threads);
        var results = new List<string>[Threads];
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var engine = ml.Model.CreatePredictionEngine<TextRow, ScoredRow>(model);
            start.SignalAndWait();
            // Each thread walks the rows from a different starting point, so different rows are scored at the same time.
            var order = Enumerable.Range(0, rows.Count).Select(i => (i + t * rows.Count / Threads) % rows.Count).ToList();
            var predicted = new string[rows.Count];
            foreach (var i in order)
                predicted[i] = Format(new[] { engine.Predict(rows[i]) })[0];
            results[t] = predicted.ToList();
        });
        for (var t = 0; t < Threads; t++)
            CollectionAssert.AreEqual(expected, results[t], $"thread {t}");
    }

    // Round-trip formatting: equal strings mean bit-identical scores.
    private static List<string> Format(IEnumerable<ScoredRow> rows)
        => rows.Select(r => r.Task + "|" + r.PredictedLabel + "|" + string.Join(",", r.Score.Select(s => s.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))).ToList();
}
