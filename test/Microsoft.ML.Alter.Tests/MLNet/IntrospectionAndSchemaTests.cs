using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Tests.MLNet;

[TestClass]
public sealed class IntrospectionAndSchemaTests
{
    private static readonly string[] AllLabels = { "different", "negative", "person", "place", "positive", "same", "sports", "money", "weather", "time" };

    [TestMethod]
    public void TransformerExposesTasksLabelSetsAndExpertWeights()
    {
        var alter = MLNetFixture.Alter;
        CollectionAssert.AreEqual(new[] { "paraphrase", "question", "sentiment", "topic" }, alter.TaskNames.ToArray());
        CollectionAssert.AreEqual(new[] { "negative", "positive" }, alter.LabelsByTask["sentiment"].ToArray());
        CollectionAssert.AreEqual(new[] { "money", "sports", "weather" }, alter.LabelsByTask["topic"].ToArray());
        // The union is the label column's key order (MapValueToKey: order of first appearance in the training data).
        CollectionAssert.AreEquivalent(AllLabels, alter.Labels.ToArray());
        Assert.AreEqual(2, alter.Stage);
        CollectionAssert.AreEqual(new[] { 1 }, alter.MtaLayers.ToArray());

        var weights = alter.ExpertWeights();
        Assert.AreEqual(1, weights.Length, "one MTA layer");
        Assert.AreEqual(4, weights[0].Length, "one row per task");
        foreach (var task in weights[0])
        {
            Assert.AreEqual(5, task.Length, "tasks + 1 experts");
            Assert.AreEqual(1.0, task.Sum(), 1e-6);
        }
        CollectionAssert.AreEqual(weights[0][3], alter.ExpertWeights("topic")[0]);
        Assert.Throws<ArgumentException>(() => alter.ExpertWeights("weather"));
    }

    [TestMethod]
    public void OutputColumnsHaveTheTypesAndAnnotationsOfAnMLNetMulticlassTrainer()
    {
        var ml = MLNetFixture.Context;
        var alter = MLNetFixture.Alter;
        var keyed = MLNetFixture.Keyed(MLNetFixture.Test);
        var schema = alter.Transform(keyed).Schema;

        var predicted = schema["PredictedLabel"];
        Assert.AreEqual(new KeyDataViewType(typeof(uint), AllLabels.Length), predicted.Type);
        CollectionAssert.AreEqual(alter.Labels.ToArray(), Texts(predicted, "KeyValues"));
        Assert.AreEqual("PredictedLabel", Text(predicted, "ScoreValueKind"));
        Assert.AreEqual("MulticlassClassification", Text(predicted, "ScoreColumnKind"));

        var score = schema["Score"];
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, AllLabels.Length), score.Type);
        CollectionAssert.AreEqual(alter.Labels.ToArray(), Texts(score, "SlotNames"));
        CollectionAssert.AreEqual(alter.Labels.ToArray(), Texts(score, "TrainingLabelValues"));
        Assert.AreEqual("MulticlassClassification", Text(score, "ScoreColumnKind"));
        Assert.AreEqual("Score", Text(score, "ScoreValueKind"));
        Assert.IsNotNull(score.Annotations.Schema.GetColumnOrNull("ScoreColumnSetId"));
        // The key values are the label column's: MapKeyToValue restores the label texts.
        CollectionAssert.AreEqual(Texts(keyed.Schema["Label"], "KeyValues"), Texts(predicted, "KeyValues"));

        // Transform (batched view) and the row mapper (PredictionEngine path) describe the same columns.
        var mapperSchema = alter.GetOutputSchema(keyed.Schema);
        CollectionAssert.AreEqual(mapperSchema.Select(c => $"{c.Name}:{c.Type}").ToArray(), schema.Select(c => $"{c.Name}:{c.Type}").ToArray());

        // The estimator announces the same outputs before training.
        var shape = ml.MulticlassClassification.Trainers.Alter(MLNetFixture.Options()).GetOutputSchema(SchemaShape.Create(keyed.Schema));
        Assert.IsTrue(shape.TryFindColumn("PredictedLabel", out var p) && p.IsKey && p.ItemType == NumberDataViewType.UInt32);
        Assert.IsTrue(shape.TryFindColumn("Score", out var s) && s.Kind == SchemaShape.Column.VectorKind.Vector && s.ItemType == NumberDataViewType.Single);
        Assert.IsTrue(s.Annotations.TryFindColumn("SlotNames", out _) && s.Annotations.TryFindColumn("ScoreColumnKind", out _));
    }

    [TestMethod]
    public void SimpleOverloadsNameTheOutputColumns()
    {
        var ml = new MLContext(seed: 1);
        var input = SchemaShape.Create(MLNetFixture.Keyed(MLNetFixture.Test).Schema);
        var trainers = ml.MulticlassClassification.Trainers;
        foreach (var estimator in new[]
        {
            trainers.Alter(sentence2ColumnName: "Sentence2", predictedLabelColumnName: "Guess", scoreColumnName: "Confidence"),
            trainers.AlterStage1(sentence2ColumnName: "Sentence2", predictedLabelColumnName: "Guess", scoreColumnName: "Confidence"),
        })
        {
            var shape = estimator.GetOutputSchema(input);
            Assert.IsTrue(shape.TryFindColumn("Guess", out var p) && p.IsKey);
            Assert.IsTrue(shape.TryFindColumn("Confidence", out var s) && s.Kind == SchemaShape.Column.VectorKind.Vector);
            Assert.IsFalse(shape.TryFindColumn("PredictedLabel", out _) || shape.TryFindColumn("Score", out _));
        }
    }

    private static string[] Texts(DataViewSchema.Column column, string kind)
    {
        VBuffer<ReadOnlyMemory<char>> values = default;
        column.Annotations.GetValue(kind, ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }

    private static string Text(DataViewSchema.Column column, string kind)
    {
        ReadOnlyMemory<char> value = default;
        column.Annotations.GetValue(kind, ref value);
        return value.ToString();
    }
}
