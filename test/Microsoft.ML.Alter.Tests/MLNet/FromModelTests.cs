using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Tests.MLNet;

/// <summary>
/// <see cref="AlterTransformer.FromModel"/>: a model made with the TorchSharp core (no ML.NET training) served through ML.NET
/// gives the core's own predictions on both scoring paths, keeps them through Model.Save/Load, and checks its label list.
/// </summary>
[TestClass]
public sealed class FromModelTests
{
    /// <summary>An untrained core model over TinyBert: its random heads still give fixed, distinct predictions to compare.</summary>
    private static AlterModel CoreModel()
    {
        using var pretrained = TinyBert.Checkpoint();
        var examples = SyntheticTasks.ThreeTasks(perTask: 6, seed: 1).Concat(SyntheticTasks.Paraphrase(6, 2)).ToList();
        return pretrained.CreateAlterModel(TaskSpec.FromExamples(examples), new MtaOptions { Layers = new[] { 1 } }, maxLength: 32, seed: 5);
    }

    [TestMethod]
    public void CoreModelServedThroughMLNetScoresAsTheCoreDoesOnBothPathsAndAfterSaveAndLoad()
    {
        var ml = new MLContext(seed: 1);
        using var model = CoreModel();
        var rows = MLNetFixture.Test;
        var expected = AlterPredictor.Predict(model, rows.Select(r => new TaskInput(r.Task, r.Sentence1, r.Sentence2.Length > 0 ? r.Sentence2 : null)).ToList());

        var alter = AlterTransformer.FromModel(ml, model, sentence2ColumnName: "Sentence2", scoringBatchSize: 16);
        CollectionAssert.AreEqual(model.Tasks.Select(t => t.Name).ToArray(), alter.TaskNames.ToArray());
        // Default key order: each task's labels in model order, each label once.
        CollectionAssert.AreEqual(model.Tasks.SelectMany(t => t.Labels).Distinct().ToArray(), alter.Labels.ToArray());

        var data = ml.Data.LoadFromEnumerable(rows);
        var toText = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(alter.Transform(data));
        var pipeline = new TransformerChain<ITransformer>(alter, toText);
        var batched = ml.Data.CreateEnumerable<ScoredRow>(pipeline.Transform(data), reuseRowObject: false).ToList();
        var engine = ml.Model.CreatePredictionEngine<TextRow, ScoredRow>(pipeline);
        var single = rows.Select(r => engine.Predict(r)).ToList();
        Assert.AreEqual(16 * 5, rows.Count, "80 rows: 5 batches of 16");

        var distinctLabels = new HashSet<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            var task = model.Tasks[expected[i].Task];
            var label = task.Labels[expected[i].PredictedLabel];
            distinctLabels.Add(label);
            Assert.AreEqual(label, batched[i].PredictedLabel, $"Transform, row {i}");
            Assert.AreEqual(label, single[i].PredictedLabel, $"PredictionEngine, row {i}");
            for (var local = 0; local < task.Labels.Count; local++)
            {
                var slot = alter.Labels.ToList().IndexOf(task.Labels[local]);
                Assert.AreEqual(expected[i].Probabilities[local], batched[i].Score[slot], 1e-5f, $"Transform, row {i}, label {task.Labels[local]}");
                Assert.AreEqual(expected[i].Probabilities[local], single[i].Score[slot], 1e-5f, $"PredictionEngine, row {i}, label {task.Labels[local]}");
            }
        }
        Assert.IsTrue(distinctLabels.Count > 1, "the comparison covers more than one predicted label");

        // Saved and loaded like a fitted transformer: same scores, bit for bit.
        var zip = Path.Combine(TinyBert.TempFolder(), "from-model.zip");
        ml.Model.Save(pipeline, data.Schema, zip);
        var loaded = ml.Model.Load(zip, out _);
        var reloaded = ml.Data.CreateEnumerable<ScoredRow>(loaded.Transform(data), reuseRowObject: false).ToList();
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual(batched[i].PredictedLabel, reloaded[i].PredictedLabel, $"row {i}");
            CollectionAssert.AreEqual(batched[i].Score, reloaded[i].Score, $"row {i}");
        }
    }

    [TestMethod]
    public void GivenLabelOrderIsTheKeyOrderAndAnIncompleteOrRepeatedListIsRejected()
    {
        var ml = new MLContext(seed: 1);
        using var model = CoreModel();
        var all = model.Tasks.SelectMany(t => t.Labels).Distinct().Reverse().ToArray();
        var alter = AlterTransformer.FromModel(ml, model, sentence2ColumnName: "Sentence2", labels: all);
        CollectionAssert.AreEqual(all, alter.Labels.ToArray());
        var schema = alter.Transform(ml.Data.LoadFromEnumerable(MLNetFixture.Test)).Schema;
        Assert.AreEqual(new KeyDataViewType(typeof(uint), all.Length), schema["PredictedLabel"].Type);

        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => AlterTransformer.FromModel(ml, model, labels: all.Where(l => l != "weather").ToList()));
        StringAssert.Contains(missing.Message, "'weather'");
        Assert.Throws<ArgumentException>(() => AlterTransformer.FromModel(ml, model, labels: all.Append("weather").ToList()), "a repeated label");
        Assert.Throws<ArgumentOutOfRangeException>(() => AlterTransformer.FromModel(ml, model, scoringBatchSize: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => AlterTransformer.FromModel(ml, model, taskColumnName: " "));
    }
}
