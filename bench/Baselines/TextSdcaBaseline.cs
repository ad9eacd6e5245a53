using Microsoft.ML;
using Microsoft.ML.Trainers;

namespace Microsoft.ML.Alter.Bench.Baselines;

/// <summary>
/// The classic ML.NET text classifier: MapValueToKey + FeaturizeText (default options: word 1–2-grams and character
/// 3-grams, L2-normalised) + SdcaMaximumEntropy + MapKeyToValue. For pairs each text is featurized separately and
/// the two vectors concatenated, so "not" in the hypothesis and "not" in the premise stay different features.
/// </summary>
internal sealed class TextSdcaBaseline : IBaselineSystem
{
    // L2 is SDCA's lambda on the mean loss of L2-normalised n-gram vectors. A dev sweep of 1e-8…0.1 peaked at
    // 1e-7…1e-5 for six tasks and at 1e-4 for cola (≥ 1e-3 collapses to the majority class); 1e-7 and 1e-6 are
    // within shuffle noise of each other, and 1e-6 fits faster.
    public static readonly double[] DefaultL2Grid = { 1e-6, 1e-5, 1e-4 };

    private readonly IReadOnlyList<double> _l2Grid;

    public TextSdcaBaseline(IReadOnlyList<double>? l2Grid = null) => _l2Grid = l2Grid ?? DefaultL2Grid;

    public string Name => "ML.NET FeaturizeText + SDCA";

    public string Description =>
        $"MapValueToKey + FeaturizeText (defaults) + SdcaMaximumEntropy (1 thread) + MapKeyToValue; pairs: each text featurized, vectors concatenated; L2 grid {{{string.Join(", ", _l2Grid)}}} chosen on dev accuracy";

    public TaskResult Run(TaskSplits task, Action<string> progress)
    {
        var ml = new MLContext(seed: 1);
        IDataView View(List<Data.LabeledExample> rows) => ml.Data.LoadFromEnumerable(rows.Select(r => new TextRow
        {
            Label = r.Label,
            Text = r.Text,
            Text2 = r.Text2 ?? "",
        }));

        var preparation = ml.Transforms.Conversion.MapValueToKey("Label");
        IEstimator<ITransformer> featurized = task.IsPair
            ? preparation
                .Append(ml.Transforms.Text.FeaturizeText("TextFeatures", nameof(TextRow.Text)))
                .Append(ml.Transforms.Text.FeaturizeText("Text2Features", nameof(TextRow.Text2)))
                .Append<ITransformer>(ml.Transforms.Concatenate(DevGridSelection.Features, "TextFeatures", "Text2Features"))
            : preparation.Append<ITransformer>(ml.Transforms.Text.FeaturizeText(DevGridSelection.Features, nameof(TextRow.Text)));

        // One thread: SDCA's multi-threaded updates are not reproducible run to run, and the sets are small. A fresh
        // seeded context per grid point: SDCA's shuffle order then depends on the L2 value only, not on the grid around it.
        IEstimator<ITransformer> Trainer(double l2) => new MLContext(seed: 1).MulticlassClassification.Trainers.SdcaMaximumEntropy(
            new SdcaMaximumEntropyMulticlassTrainer.Options { L2Regularization = (float)l2, NumberOfThreads = 1 });

        return DevGridSelection.Run(ml, task, View(task.Train), View(task.Dev), View(task.Test), featurized, _l2Grid, Trainer, progress);
    }

    private sealed class TextRow
    {
        public string Label { get; set; } = "";
        public string Text { get; set; } = "";
        public string Text2 { get; set; } = "";
    }
}
