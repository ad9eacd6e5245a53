using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Tests.MLNet;

/// <summary>A multi-task row as ML.NET sees it (an empty Sentence2 is a single-sentence row).</summary>
public sealed class TextRow
{
    public string Task { get; set; } = "";
    public string Sentence1 { get; set; } = "";
    public string Sentence2 { get; set; } = "";
    public string Label { get; set; } = "";

    public static TextRow From(LabeledExample e) => new() { Task = e.Task, Sentence1 = e.Text, Sentence2 = e.Text2 ?? "", Label = e.Label };
}

/// <summary>Scored output after MapKeyToValue("PredictedLabel").</summary>
public sealed class ScoredRow
{
    public string Task { get; set; } = "";
    public string Sentence1 { get; set; } = "";
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = Array.Empty<float>();
}

/// <summary>
/// Shared set-up of the ML.NET tests: TinyBert as a Hugging Face folder, synthetic multi-task rows (three sentence tasks
/// and one sentence-pair task), fast options, and one pipeline trained once for all tests that only score.
/// </summary>
internal static class MLNetFixture
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = TinyBert.TempFolder();
        using (var model = TinyBert.Create())
            PretrainedCheckpoint.SaveHuggingFaceFolder(model, TinyBert.Vocabulary, lowerCase: true, folder);
        return folder;
    });

    /// <summary>TinyBert (random, 2 layers, hidden 32) as a Hugging Face checkpoint folder.</summary>
    public static string TinyBertFolder => Folder.Value;

    public static List<TextRow> Train { get; } = SyntheticTasks.ThreeTasks(perTask: 64, seed: 3).Concat(SyntheticTasks.Paraphrase(64, 4)).Select(TextRow.From).ToList();

    public static List<TextRow> Test { get; } = SyntheticTasks.ThreeTasks(perTask: 20, seed: 100).Concat(SyntheticTasks.Paraphrase(20, 101)).Select(TextRow.From).ToList();

    /// <summary>The half of <see cref="Test"/> that the shared model's validation set leaves out.</summary>
    public static List<TextRow> HeldOut { get; } = Test.Where((_, i) => i % 4 >= 2).ToList();

    /// <summary>
    /// Fast options: a random tiny encoder learns from scratch, so larger learning rates than for a pretrained one.
    /// </summary>
    public static AlterEstimator.Options Options(IDataView? validation = null) => new()
    {
        BaseModel = TinyBertFolder,
        Sentence2ColumnName = "Sentence2",
        MtaLayers = new[] { 1 },
        MaxLength = 32,
        Stage1Epochs = 2,
        Stage1LearningRate = 3e-3,
        Stage1HeadLearningRate = 1e-2,
        Stage2Epochs = 1,
        Stage2LearningRate = 1e-3,
        Stage2HeadLearningRate = 3e-3,
        BatchSize = 8,
        Seed = 5,
        // Every epoch runs, so the tests know how many epoch reports to expect.
        EarlyStoppingPatience = 0,
        ValidationSet = validation,
    };

    /// <summary>Stage-1 epochs in which the random tiny encoder learns every task of <see cref="Train"/>.</summary>
    public const int LearningEpochs = 10;

    /// <summary><see cref="Options"/> with enough stage-1 epochs to learn the tasks, not only to run.</summary>
    public static AlterEstimator.Options LearningOptions(IDataView? validation = null)
    {
        var options = Options(validation);
        options.Stage1Epochs = LearningEpochs;
        return options;
    }

    public static IEstimator<ITransformer> Pipeline(MLContext ml, AlterEstimator trainer)
        => ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(trainer)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

    private static readonly Lazy<(MLContext Context, ITransformer Model, List<string> Messages, TimeSpan FitTime)> Trained = new(() =>
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) => { lock (messages) messages.Add(e.RawMessage); };
        // Validation rows keep their raw text label: they do not pass through the pipeline's MapValueToKey. Half of the
        // test rows, every label of every task among them (the generators alternate labels row by row).
        var validation = ml.Data.LoadFromEnumerable(Test.Except(HeldOut));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var model = Pipeline(ml, ml.MulticlassClassification.Trainers.Alter(LearningOptions(validation))).Fit(ml.Data.LoadFromEnumerable(Train));
        return (ml, model, messages, clock.Elapsed);
    });

    /// <summary>What the shared model's training logged (MLContext.Log, raw messages).</summary>
    public static IReadOnlyList<string> TrainingLog => Trained.Value.Messages;

    public static TimeSpan FitTime => Trained.Value.FitTime;

    /// <summary>
    /// MapValueToKey → Alter (both stages, with half the <see cref="Test"/> rows as validation set) → MapKeyToValue,
    /// trained once on <see cref="Train"/>.
    /// </summary>
    public static ITransformer Model => Trained.Value.Model;

    /// <summary>The transformers of a fitted pipeline.</summary>
    public static IEnumerable<ITransformer> Parts(ITransformer model) => (IEnumerable<ITransformer>)model;

    public static MLContext Context => Trained.Value.Context;

    public static AlterTransformer Alter => Parts(Model).OfType<AlterTransformer>().Single();

    /// <summary>The fitted MapValueToKey: test rows with their label as a key, as the ALTER transformer sees them.</summary>
    public static IDataView Keyed(IEnumerable<TextRow> rows) => Parts(Model).First().Transform(Context.Data.LoadFromEnumerable(rows));
}
