using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Tests.MLNet;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.Tests.Reliability;

/// <summary>
/// Finding 4 (and the warnings of finding 5): bad rows in real data are skipped in training and scored as missing, each
/// counted in one channel warning; invalid UTF-16 reads as U+FFFD everywhere; strict behaviour is an option.
/// </summary>
[TestClass]
public sealed class BadRowTests
{
    /// <summary>Texts with nothing to tokenize: each must be treated like "".</summary>
    internal static readonly string[] Unusable = { "", "   ", "\t\r\n", "\u0000", "\u200B\u200D", "\uFEFF", "\uD83D", "\uDC00 \u0007" };

    private static List<string> Warnings(MLContext ml)
    {
        var warnings = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Kind == ChannelMessageKind.Warning)
                lock (warnings)
                    warnings.Add(e.RawMessage);
        };
        return warnings;
    }

    private static AlterEstimator.Options QuickOptions()
    {
        var options = MLNetFixture.Options();
        options.Stage1Epochs = 1;
        return options;
    }

    [TestMethod]
    public void TrainingSkipsBadRowsWithOneWarningAndWarnsOfNearDuplicateTasksAndAClampedMaxLength()
    {
        var ml = new MLContext(seed: 1);
        var warnings = Warnings(ml);
        var rows = FreshModels.Copy(MLNetFixture.Train);
        var bad = 0;
        foreach (var text in Unusable)
            rows[bad++].Sentence1 = text;
        rows[bad++].Label = "";
        rows[bad++].Task = " ";
        rows[bad].Sentence1 = "a good \uD83D movie"; // usable: the lone surrogate reads as U+FFFD
        rows.Add(new TextRow { Task = "Sentiment ", Sentence1 = "a good film", Label = "positive" });
        rows.Add(new TextRow { Task = "Sentiment ", Sentence1 = "a bad film", Label = "negative" });
        var options = QuickOptions();
        options.MaxLength = 100; // TinyBert has 64 positions

        using var model = ml.MulticlassClassification.Trainers.AlterStage1(options).Fit(MLNetFixture.Keyed(rows));

        var skipped = warnings.Where(w => w.StartsWith("Skipped", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(1, skipped.Count, string.Join("\n", warnings));
        StringAssert.Contains(skipped[0], $"Skipped {bad} of {rows.Count} training rows");
        StringAssert.Contains(skipped[0], $"{Unusable.Length} with no usable text in 'Sentence1'");
        StringAssert.Contains(skipped[0], "1 with a missing label in 'Label'");
        StringAssert.Contains(skipped[0], "1 with an empty task column 'Task'");
        Assert.IsTrue(warnings.Any(w => w.Contains("'Sentiment '", StringComparison.Ordinal) && w.Contains("'sentiment'", StringComparison.Ordinal)
                                        && w.Contains("differ only in case or surrounding spaces", StringComparison.Ordinal)), string.Join("\n", warnings));
        Assert.IsTrue(warnings.Any(w => w.Contains("MaxLength = 100", StringComparison.Ordinal) && w.Contains("64 positions", StringComparison.Ordinal)));
        CollectionAssert.Contains(model.TaskNames.ToList(), "Sentiment ");
        Assert.AreEqual(64, model.Model.Config.MaxLength);
    }

    [TestMethod]
    public void TrainingThrowsAtTheFirstBadRowWhenAskedTo()
    {
        var ml = new MLContext(seed: 1);
        var options = QuickOptions();
        options.BadRows = BadRowHandling.Throw;
        foreach (var text in Unusable)
        {
            var rows = FreshModels.Copy(MLNetFixture.Train);
            rows[5].Sentence1 = text;
            var error = Assert.Throws<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.AlterStage1(options).Fit(MLNetFixture.Keyed(rows)));
            StringAssert.Contains(error.Message, $"training row 5 (task '{rows[5].Task}'): the text column 'Sentence1' is empty");
        }
    }

    [TestMethod]
    public void AllRowsBadOrNoRowsAtAllSaySo()
    {
        var ml = new MLContext(seed: 1);
        var rows = FreshModels.Copy(MLNetFixture.Train.Take(4));
        foreach (var row in rows)
            row.Sentence1 = "\u200B";
        StringAssert.Contains(Assert.Throws<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.AlterStage1(QuickOptions()).Fit(MLNetFixture.Keyed(rows))).Message,
            "The training data has no usable rows: all 4 were skipped");
        var empty = ml.Data.LoadFromEnumerable(new List<TextRow>());
        var error = Assert.Throws<InvalidOperationException>(() => MLNetFixture.Pipeline(ml, ml.MulticlassClassification.Trainers.Alter(QuickOptions())).Fit(empty));
        StringAssert.Contains(error.Message, "The training data has no rows");
        Assert.IsFalse(error.Message.Contains("MapValueToKey", StringComparison.Ordinal), error.Message);
    }

    [TestMethod]
    public void ScoringGivesBadRowsAMissingPredictionCountedInOneWarning()
    {
        var ml = new MLContext(seed: 1);
        var warnings = Warnings(ml);
        var pipeline = FreshModels.Pipeline(ml);
        var alter = FreshModels.Alter(pipeline);
        var rows = FreshModels.Copy(MLNetFixture.Test.Take(20));
        rows[1].Task = "weather";
        rows[2].Task = "";
        for (var i = 0; i < Unusable.Length; i++)
            rows[3 + i].Sentence1 = Unusable[i];
        var missing = new[] { 1, 2 }.Concat(Enumerable.Range(3, Unusable.Length)).ToHashSet();
        rows[15].Sentence1 = "a good \uD83D movie";
        rows[16] = new TextRow { Task = rows[15].Task, Sentence1 = "a good \uFFFD movie", Label = rows[15].Label };
        var keyed = MLNetFixture.Parts(pipeline).First().Transform(ml.Data.LoadFromEnumerable(rows));

        var scored = alter.Transform(keyed);
        var labels = scored.GetColumn<uint>("PredictedLabel").ToList();
        var scores = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(missing.Contains(i), labels[i] == 0, $"row {i}");
            Assert.AreEqual(missing.Contains(i), scores[i].All(float.IsNaN), $"row {i}");
        }
        // Same tokens in two rows of one batch: equal up to the last bit the batched matrix products may order
        // differently (another token would move the scores by far more).
        for (var slot = 0; slot < scores[15].Length; slot++)
            Assert.AreEqual(scores[16][slot], scores[15][slot], 1e-6f, $"a lone surrogate scores as U+FFFD (slot {slot})");
        // One warning per pass over the data: the labels and the scores were read by two cursors.
        var passes = warnings.Where(w => w.StartsWith("Scored", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(2, passes.Count, string.Join("\n", warnings));
        Assert.AreEqual(passes[0], passes[1]);
        var warning = passes[0];
        StringAssert.Contains(warning, $"Scored {missing.Count} rows as missing");
        StringAssert.Contains(warning, "1 with an empty task column 'Task'");
        StringAssert.Contains(warning, $"{Unusable.Length} with no usable text in 'Sentence1'");
        StringAssert.Contains(warning, "1 of a task the model was not trained on");

        // The row-at-a-time path follows the same rule.
        var engine = ml.Model.CreatePredictionEngine<TextRow, ScoredRow>(pipeline);
        foreach (var i in missing)
        {
            var prediction = engine.Predict(rows[i]);
            Assert.AreEqual("", prediction.PredictedLabel, $"row {i}");
            Assert.IsTrue(prediction.Score.All(float.IsNaN), $"row {i}");
        }
        CollectionAssert.AreEqual(engine.Predict(rows[16]).Score, engine.Predict(rows[15]).Score);
    }

    [TestMethod]
    public void StrictScoringThrowsNamingTheRowUnwrappedFromTheTransformersOwnView()
    {
        var rows = FreshModels.Copy(MLNetFixture.Test.Take(10));
        rows[4].Sentence1 = "\u200B";
        var keyed = MLNetFixture.Keyed(rows);
        var strict = MLNetFixture.Alter.WithScoringOptions(badRows: BadRowHandling.Throw);
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => strict.Transform(keyed).GetColumn<uint>("PredictedLabel").ToList());
        StringAssert.Contains(error.Message, $"Row 4 (task '{rows[4].Task}'): the text column 'Sentence1' is empty");
    }

    /// <summary>
    /// Behind a later pipeline step ML.NET consumes the ALTER view on worker threads and wraps what they throw twice in
    /// "Splitter/consolidator worker encountered exception"; strict scoring checks the rows when the cursor is made, on the
    /// caller's thread, so the user catches our exception itself, before any row is served.
    /// </summary>
    [TestMethod]
    public void StrictScoringThrowsUnwrappedBehindALaterPipelineStepAndInTheEvaluator()
    {
        var ml = MLNetFixture.Context;
        var parts = MLNetFixture.Parts(MLNetFixture.Model).ToList();
        var rows = FreshModels.Copy(MLNetFixture.Test.Take(40));
        rows[30].Sentence1 = "\u200B";
        rows[35].Task = "weather";
        var data = ml.Data.LoadFromEnumerable(rows);
        var cases = new (AlterTransformer Alter, string Message)[]
        {
            (MLNetFixture.Alter.WithScoringOptions(badRows: BadRowHandling.Throw), $"Row 30 (task '{rows[30].Task}'): the text column 'Sentence1' is empty"),
            (MLNetFixture.Alter.WithScoringOptions(unknownTask: UnknownTaskHandling.Throw), "Row 35: task 'weather' (column 'Task') was not seen in training"),
        };
        foreach (var (strict, message) in cases)
        {
            var pipeline = new TransformerChain<ITransformer>(parts[0], strict, parts[2]);
            var scored = pipeline.Transform(data);
            // The ALTER view is not the last: MapKeyToValue reads it through ML.NET's splitter and consolidator.
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => scored.GetColumn<string>("PredictedLabel").ToList());
            StringAssert.Contains(error.Message, message);
            Assert.IsNull(error.InnerException, error.ToString());
            var evaluation = Assert.ThrowsExactly<InvalidOperationException>(() => ml.MulticlassClassification.Evaluate(strict.Transform(parts[0].Transform(data))));
            StringAssert.Contains(evaluation.Message, message);
            var enumerated = Assert.ThrowsExactly<InvalidOperationException>(() => ml.Data.CreateEnumerable<PredictedRow>(scored, reuseRowObject: false).ToList());
            StringAssert.Contains(enumerated.Message, message);
        }
        // Lenient scoring over the same rows still serves every row, the two bad ones as missing predictions.
        var lenient = new TransformerChain<ITransformer>(parts[0], MLNetFixture.Alter, parts[2]).Transform(data);
        Assert.AreEqual(rows.Count, lenient.GetColumn<uint>("Label").Count());
    }

    private sealed class PredictedRow
    {
        public string PredictedLabel { get; set; } = "";
    }

    [TestMethod]
    public void TheCoreReadsInvalidUtf16AsReplacementAndABlankSecondTextAsASingleSentence()
    {
        var model = MLNetFixture.Alter.Model;
        // Each row scored alone: same tokens, same computation, so bit-identical (rows of one batch may differ in the
        // last bit).
        var predictions = new[]
        {
            new TaskInput("sentiment", "a good \uD83D movie"),
            new TaskInput("sentiment", "a good \uFFFD movie"),
            new TaskInput("sentiment", "\uDE00 a good movie \uD83D"),
            new TaskInput("sentiment", "a good movie", " \u200B"),
            new TaskInput("sentiment", "a good movie"),
        }.Select(input => AlterPredictor.Predict(model, new[] { input })[0]).ToList();
        CollectionAssert.AreEqual(predictions[1].Probabilities, predictions[0].Probabilities);
        Assert.IsTrue(predictions[2].Probabilities.All(float.IsFinite));
        CollectionAssert.AreEqual(predictions[4].Probabilities, predictions[3].Probabilities, "a blank second text is no second text");
        // The core names the row and task of a text it cannot use.
        var error = Assert.ThrowsExactly<ArgumentException>(() => AlterPredictor.Predict(model, new[] { new TaskInput("sentiment", "ok"), new TaskInput("topic", "\uFEFF") }));
        StringAssert.Contains(error.Message, "input row 1 (task 'topic') has an empty text");
    }

    [TestMethod]
    public void TaskFoldersSkipRowsWithNoUsableTextAndReportTheirLines()
    {
        var folder = TinyBert.TempFolder();
        var path = Path.Combine(folder, "train.tsv");
        File.WriteAllLines(path, new[] { "label\ttext", "positive\tgood", "negative\t ", "negative\t\u200B", "negative\tbad" });
        var reports = new List<string>();
        var rows = TaskFolder.ReadFile(path, "sentiment", reports.Add);
        CollectionAssert.AreEqual(new[] { "good", "bad" }, rows.Select(r => r.Text).ToArray());
        Assert.AreEqual(1, reports.Count);
        StringAssert.Contains(reports[0], "skipped 2 rows with no usable text (lines 3, 4)");
    }
}
