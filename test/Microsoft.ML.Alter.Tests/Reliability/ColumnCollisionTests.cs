using Microsoft.ML.Alter.Tests.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Tests.Reliability;

/// <summary>Finding 1: input columns named like an output must not shift the batched view's columns.</summary>
[TestClass]
public sealed class ColumnCollisionTests
{
    /// <summary>Review data often carries its own numeric Score; some data a PredictedLabel column of its own.</summary>
    private sealed class ReviewRow
    {
        public string Task { get; set; } = "";
        public float Score { get; set; }
        public string Sentence1 { get; set; } = "";
        public string PredictedLabel { get; set; } = "";
        public string Sentence2 { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private static IDataView KeyedReviews(List<TextRow> rows)
        => MLNetFixture.Parts(MLNetFixture.Model).First().Transform(MLNetFixture.Context.Data.LoadFromEnumerable(rows.Select((r, i) => new ReviewRow
        {
            Task = r.Task, Score = i * 0.5f, Sentence1 = r.Sentence1, PredictedLabel = "given " + i, Sentence2 = r.Sentence2, Label = r.Label,
        })));

    [TestMethod]
    public void InputColumnsNamedLikeOutputsKeepTheirValuesAndOutputsMatchCleanInput()
    {
        var rows = MLNetFixture.Test;
        var clean = MLNetFixture.Alter.Transform(MLNetFixture.Keyed(rows));
        var scored = MLNetFixture.Alter.Transform(KeyedReviews(rows));

        CollectionAssert.AreEqual(rows.Select(r => r.Sentence1).ToList(), Texts(scored, "Sentence1"));
        CollectionAssert.AreEqual(rows.Select(r => r.Task).ToList(), Texts(scored, "Task"));
        CollectionAssert.AreEqual(clean.GetColumn<uint>("Label").ToList(), scored.GetColumn<uint>("Label").ToList(), "labels, not predicted keys");
        CollectionAssert.AreEqual(clean.GetColumn<uint>("PredictedLabel").ToList(), scored.GetColumn<uint>("PredictedLabel").ToList());
        CollectionAssert.AreEqual(Scores(clean), Scores(scored));
        // The hidden input columns are still there, with their own values.
        var hiddenScore = scored.Schema.Single(c => c.Name == "Score" && c.IsHidden);
        CollectionAssert.AreEqual(rows.Select((_, i) => i * 0.5f).ToList(), scored.GetColumn<float>(hiddenScore).ToList());
        var hiddenPredicted = scored.Schema.Single(c => c.Name == "PredictedLabel" && c.IsHidden);
        CollectionAssert.AreEqual(rows.Select((_, i) => "given " + i).ToList(), scored.GetColumn<ReadOnlyMemory<char>>(hiddenPredicted).Select(t => t.ToString()).ToList());
    }

    [TestMethod]
    public void AlterOverAltersOutputScoresTheSameAndKeepsEveryInputColumn()
    {
        var rows = MLNetFixture.Test;
        var once = MLNetFixture.Alter.Transform(MLNetFixture.Keyed(rows));
        var twice = MLNetFixture.Alter.Transform(once);
        CollectionAssert.AreEqual(rows.Select(r => r.Sentence1).ToList(), Texts(twice, "Sentence1"));
        CollectionAssert.AreEqual(once.GetColumn<uint>("Label").ToList(), twice.GetColumn<uint>("Label").ToList());
        CollectionAssert.AreEqual(once.GetColumn<uint>("PredictedLabel").ToList(), twice.GetColumn<uint>("PredictedLabel").ToList());
        CollectionAssert.AreEqual(Scores(once), Scores(twice));
        // And through the whole pipeline's MapKeyToValue, as a user reads it.
        var ml = MLNetFixture.Context;
        var typed = ml.Data.CreateEnumerable<ScoredRow>(MLNetFixture.Parts(MLNetFixture.Model).Last().Transform(twice), reuseRowObject: false).ToList();
        CollectionAssert.AreEqual(rows.Select(r => r.Sentence1).ToList(), typed.Select(r => r.Sentence1).ToList());
        Assert.IsTrue(typed.All(r => r.PredictedLabel.Length > 0));
    }

    private static List<string> Texts(IDataView view, string column) => view.GetColumn<ReadOnlyMemory<char>>(column).Select(t => t.ToString()).ToList();

    private static List<string> Scores(IDataView view)
        => view.GetColumn<VBuffer<float>>("Score").Select(v => string.Join(",", v.DenseValues().Select(f => BitConverter.SingleToInt32Bits(f)))).ToList();
}
