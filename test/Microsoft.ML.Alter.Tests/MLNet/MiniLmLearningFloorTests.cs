using Microsoft.ML.Alter.MLNet;

namespace Microsoft.ML.Alter.Tests.MLNet;

/// <summary>The embedded MiniLM, through <c>Trainers.Alter</c> (both stages), learns the core floor test's tasks.</summary>
[TestClass]
public sealed class MiniLmLearningFloorTests
{
    [TestMethod]
    public void EmbeddedMiniLmThroughTrainersAlterLearnsEachTask()
    {
        var ml = new MLContext(seed: 1);
        List<TextRow> Rows(int sentiment, int question, int seed)
            => SyntheticTasks.Sentiment(sentiment, seed).Concat(SyntheticTasks.Question(question, seed + 1)).Select(TextRow.From).ToList();
        // The core floor test's rows and rates (LearningFloorTests), through the ML.NET shell; BaseModel null: embedded.
        var options = new AlterEstimator.Options
        {
            MaxLength = 24,
            Stage1Epochs = 3, Stage1LearningRate = 2e-4, Stage1HeadLearningRate = 1e-2,
            Stage2Epochs = 1, Stage2LearningRate = 1e-4, Stage2HeadLearningRate = 3e-3,
            BatchSize = 16,
            Seed = 5,
            ValidationSet = ml.Data.LoadFromEnumerable(Rows(20, 21, 100)),
        };

        var model = MLNetFixture.Pipeline(ml, ml.MulticlassClassification.Trainers.Alter(options)).Fit(ml.Data.LoadFromEnumerable(Rows(24, 24, 1)));

        var heldOut = ml.MulticlassClassification.EvaluatePerTask(model.Transform(ml.Data.LoadFromEnumerable(Rows(20, 21, 200))));
        LearningFloorTests.AssertFloor("Trainers.Alter on MiniLM", heldOut.ToDictionary(kv => kv.Key, kv => kv.Value.MicroAccuracy));
        foreach (var part in MLNetFixture.Parts(model).OfType<IDisposable>())
            part.Dispose();
    }
}
