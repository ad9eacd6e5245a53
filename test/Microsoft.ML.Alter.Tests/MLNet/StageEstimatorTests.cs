using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Tests.MLNet;

[TestClass]
public sealed class StageEstimatorTests
{
    [TestMethod]
    public void StageOneThenStageTwoEstimatorsEachGiveAPredictingTransformer()
    {
        var ml = new MLContext(seed: 1);
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(MLNetFixture.Train));
        var train = keys.Transform(ml.Data.LoadFromEnumerable(MLNetFixture.Train));
        var test = keys.Transform(ml.Data.LoadFromEnumerable(MLNetFixture.Test));
        var heldOut = keys.Transform(ml.Data.LoadFromEnumerable(MLNetFixture.HeldOut));

        // As the shared model: the other half of the test rows chooses the best epoch, this half measures the floors.
        var options = MLNetFixture.LearningOptions(ml.Data.LoadFromEnumerable(MLNetFixture.Test.Except(MLNetFixture.HeldOut)));
        using var stage1 = ml.MulticlassClassification.Trainers.AlterStage1(options).Fit(train);
        Assert.AreEqual(1, stage1.Stage);
        Assert.AreEqual(0, stage1.Model.Config.SharedExpertCount);
        var stage1Scores = Scores(ml, stage1.Transform(test));
        var stage1Metrics = ml.MulticlassClassification.Evaluate(stage1.Transform(test));
        LearningFloorTests.AssertFloor("AlterStage1", PerTask(ml, stage1.Transform(heldOut)));

        // Same IDataView shape for stage 2; the simple overload takes the stage-1 transformer's columns.
        using var stage2 = ml.MulticlassClassification.Trainers.AlterStage2(stage1, epochs: 1).Fit(train);
        Assert.AreEqual(2, stage2.Stage);
        Assert.AreEqual(1, stage2.Model.Config.SharedExpertCount);
        var stage2Scores = Scores(ml, stage2.Transform(test));
        var stage2Metrics = ml.MulticlassClassification.Evaluate(stage2.Transform(test));
        LearningFloorTests.AssertFloor("AlterStage2", PerTask(ml, stage2.Transform(heldOut)));
        Console.WriteLine($"stage 1 micro accuracy {stage1Metrics.MicroAccuracy:F3}, after stage 2 {stage2Metrics.MicroAccuracy:F3}");

        // Stage 2 trained a copy: the stage-1 transformer still scores exactly as before.
        Assert.AreEqual(1, stage1.Stage);
        var again = Scores(ml, stage1.Transform(test));
        for (var i = 0; i < again.Count; i++)
            CollectionAssert.AreEqual(stage1Scores[i], again[i], $"row {i}");
        Assert.IsTrue(stage1Scores.Zip(stage2Scores).Any(p => !p.First.SequenceEqual(p.Second)), "stage 2 changed the predictions");

        var twice = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.AlterStage2(stage2));
        StringAssert.Contains(twice.Message, "stage 2");
    }

    private static Dictionary<string, double> PerTask(MLContext ml, IDataView scored)
        => ml.MulticlassClassification.EvaluatePerTask(scored).ToDictionary(kv => kv.Key, kv => kv.Value.MicroAccuracy);

    private static List<float[]> Scores(MLContext ml, IDataView scored)
        => scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToList();
}
