using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>Epochs set by the user, or chosen from the data so that small data still makes enough steps.</summary>
[TestClass]
public sealed class EpochRuleTests
{
    [TestMethod]
    public void SetEpochsAreTakenAsTheyAre()
    {
        Assert.AreEqual((3, (string?)null), EpochRule.Resolve(new StageOptions { Epochs = 3, MinimumSteps = 1000 }, 5, "stage 1"));
        Assert.AreEqual((0, (string?)null), EpochRule.Resolve(new StageOptions { Epochs = 0, MinimumSteps = 1000 }, 5, "stage 1"));
    }

    [TestMethod]
    public void UnsetEpochsMakeTheMinimumStepsWithinTheBounds()
    {
        var auto = new StageOptions { MinimumSteps = 200 };
        // 200 / 14 = 14.3 → 15 epochs; 200 / 88 = 2.3 → 3; exactly 100 → 2.
        Assert.AreEqual(15, EpochRule.Resolve(auto, 14, "stage 1").Epochs);
        Assert.AreEqual(3, EpochRule.Resolve(auto, 88, "stage 1").Epochs);
        Assert.AreEqual(2, EpochRule.Resolve(auto, 100, "stage 1").Epochs);
        // Large data: never fewer than 2 epochs; tiny data: never more than 20.
        Assert.AreEqual(2, EpochRule.Resolve(auto, 1200, "stage 1").Epochs);
        Assert.AreEqual(20, EpochRule.Resolve(auto, 1, "stage 1").Epochs);
        Assert.AreEqual(2, EpochRule.Resolve(new StageOptions(), 7, "stage 2").Epochs);
        var (_, reason) = EpochRule.Resolve(auto, 88, "stage 1");
        Assert.AreEqual("stage 1: 3 epochs of 88 steps, chosen from the data (at least 200 steps, 2 to 20 epochs).", reason);
    }

    /// <summary>The trainer runs the chosen epochs, reports them in its progress and says once why.</summary>
    [TestMethod]
    public void TheTrainerRunsAndLogsTheEpochsItChoseFromTheData()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(8, 1); // 24 rows, batches of 8: 3 steps per epoch
        var dev = SyntheticTasks.ThreeTasks(2, 9);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), new MtaOptions { Layers = new[] { 1 } }, 32);
        var options = new AlterTrainingOptions
        {
            Stage1 = new StageOptions { MinimumSteps = 10, LearningRate = 1e-4, EarlyStoppingPatience = 0 }, // 10 / 3 → 4 epochs
            BatchSize = 8,
        };
        var epochEnds = new List<TrainingProgress>();
        var log = new List<string>();
        var result = new AlterTrainer(options, new SynchronousProgress(p => { if (p.DevAccuracy is not null) epochEnds.Add(p); }), log: log.Add)
            .TrainStage1(model, train, dev);

        Assert.AreEqual(4, result.EpochsRun);
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4 }, epochEnds.Select(p => p.Epoch).ToArray());
        Assert.IsTrue(epochEnds.All(p => p.Epochs == 4 && p.StepsPerEpoch == 3));
        CollectionAssert.AreEqual(new[] { "stage 1: 4 epochs of 3 steps, chosen from the data (at least 10 steps, 2 to 20 epochs)." }, log);

        // Set epochs are not announced.
        log.Clear();
        new AlterTrainer(options with { Stage2 = new StageOptions { Epochs = 1, LearningRate = 1e-4 } }, log: log.Add).TrainStage2(model, train, null);
        Assert.AreEqual(0, log.Count);
    }
}
