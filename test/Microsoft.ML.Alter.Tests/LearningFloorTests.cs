using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Tests;

/// <summary>
/// The embedded MiniLM learns small, clearly separable tasks the test writes: each task's accuracy on held-out rows
/// reaches <see cref="Floor"/> after stage 1, after stage 2, and for a task added afterwards, while the added task
/// leaves the others bit-identical.
/// </summary>
/// <remarks>
/// The sentence-pair task asks whether the second sentence copies the first: on pairs that affirm or deny the first
/// ("did indeed win" / "did not win"), MiniLM's mean-pooled sentences stayed at 0.50 to 0.80 in the steps a test affords.
/// </remarks>
[TestClass]
public sealed class LearningFloorTests
{
    internal const double Floor = 0.9;

    // Few steps: the encoder is pretrained, so a larger rate than the defaults' (5e-5) is safe, and the fresh heads
    // get a larger one still.
    private static readonly AlterTrainingOptions Options = new()
    {
        Stage1 = new StageOptions { Epochs = 3, LearningRate = 2e-4, HeadLearningRate = 1e-2 },
        Stage2 = new StageOptions { Epochs = 1, LearningRate = 1e-4, HeadLearningRate = 3e-3 },
        AddTask = new StageOptions { Epochs = 4, HeadLearningRate = 3e-2 },
        BatchSize = 16,
        Seed = 5,
    };

    [TestMethod]
    public void MiniLmLearnsEveryTaskInBothStagesAndAnAddedTaskWithoutChangingTheOthers()
    {
        // Two tasks; the topic task is added later, to the trained model. (Added, with the encoder frozen, the question
        // task stopped at 0.86: its label is one word, which MiniLM's mean-pooled sentence barely shows; a topic is
        // what a sentence embedding does show.)
        var train = SyntheticTasks.Sentiment(24, 1).Concat(SyntheticTasks.Question(24, 2)).ToList();
        var dev = SyntheticTasks.Sentiment(20, 100).Concat(SyntheticTasks.Question(21, 101)).ToList();
        // The floors are measured on rows that neither trained the model nor chose its best epoch.
        var test = SyntheticTasks.Sentiment(20, 200).Concat(SyntheticTasks.Question(21, 201)).ToList();
        var trainer = new AlterTrainer(Options);
        var (model, stage1) = trainer.CreateAndTrainStage1(MiniLmFixture.Checkpoint, train, dev, new MtaOptions(), maxLength: 24);
        using (model)
        {
            AssertFloor("stage 1", Accuracy(model, test), stage1);
            var stage2 = trainer.TrainStage2(model, train, dev);
            AssertFloor("stage 2", Accuracy(model, test), stage2);

            var inputs = test.Select(r => new TaskInput(r.Task, r.Text, r.Text2)).ToList();
            var before = AlterPredictor.Predict(model, inputs);
            var added = trainer.AddTask(model, "topic", SyntheticTasks.Topic(48, 4), SyntheticTasks.Topic(21, 103));
            AssertFloor("added task", Accuracy(model, SyntheticTasks.Topic(21, 203)), added);
            var after = AlterPredictor.Predict(model, inputs);
            for (var i = 0; i < inputs.Count; i++)
                CollectionAssert.AreEqual(before[i].Probabilities, after[i].Probabilities, $"row {i} of task {inputs[i].Task}");
        }
    }

    [TestMethod]
    public void MiniLmLearnsASentencePairTaskBesideASingleSentenceTaskInBothStages()
    {
        // The pair task needs more rows and steps than the others (it measured 0.60 with 48 rows in 3 epochs, 1.00
        // with 128 rows in 4), at a lower rate than above: 3e-4 over-shot it (0.925).
        var options = Options with { Stage1 = Options.Stage1 with { Epochs = 4, LearningRate = 1e-4 } };
        var train = SyntheticTasks.Sentiment(24, 1).Concat(SyntheticTasks.Copies(128, 2)).ToList();
        var dev = SyntheticTasks.Sentiment(20, 100).Concat(SyntheticTasks.Copies(40, 101)).ToList();
        var test = SyntheticTasks.Sentiment(20, 200).Concat(SyntheticTasks.Copies(40, 201)).ToList();
        var trainer = new AlterTrainer(options);
        var (model, stage1) = trainer.CreateAndTrainStage1(MiniLmFixture.Checkpoint, train, dev, new MtaOptions(), maxLength: 24);
        using (model)
        {
            AssertFloor("stage 1", Accuracy(model, test), stage1);
            AssertFloor("stage 2", Accuracy(model, test), trainer.TrainStage2(model, train, dev));
        }
    }

    private static Dictionary<string, double> Accuracy(AlterModel model, List<LabeledExample> rows)
        => Evaluation.Accuracy(model, EncodedRows.FromExamples(model, rows, "dev"));

    internal static void AssertFloor(string what, IReadOnlyDictionary<string, double> accuracy, StageResult? result = null)
    {
        Console.WriteLine($"{what}: {string.Join(", ", accuracy.Select(kv => $"{kv.Key} {kv.Value:F3}"))}"
                          + (result is null ? "" : $" in {result.WallTime.TotalSeconds:F1}s, losses {string.Join(", ", result.EpochLosses.Select(l => l.ToString("F3")))}"));
        foreach (var (task, value) in accuracy)
            Assert.IsTrue(value >= Floor, $"{what}: {task} test accuracy {value:F3} < {Floor}");
    }
}
