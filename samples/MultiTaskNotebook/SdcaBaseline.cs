using Microsoft.ML;
using Microsoft.ML.Trainers;

/// <summary>
/// The classic ML.NET answer to the same problem, for comparison: one model per task, FeaturizeText (word 1-2-grams and
/// character 3-grams) + SdcaMaximumEntropy. For sentence pairs each sentence is featurized on its own and the vectors
/// concatenated, so a word in the second sentence is a different feature from the same word in the first.
/// </summary>
internal static class SdcaBaseline
{
    // SDCA's L2 on L2-normalised n-gram vectors: the project's baseline bench (bench/Baselines) swept it on dev and
    // found 1e-7…1e-5 best for short-text tasks, stronger values collapse towards the majority class. One fixed value
    // keeps the sample quick; the dev split is not needed.
    private const float L2 = 1e-5f;

    /// <summary>Test accuracy per task.</summary>
    public static Dictionary<string, double> Run(TaskData data)
    {
        var result = new Dictionary<string, double>();
        foreach (var task in data.Tasks)
        {
            // A fresh seeded context per task: results do not depend on which tasks came before.
            var ml = new MLContext(seed: 1);
            IDataView View(List<TaskRow> rows) => ml.Data.LoadFromEnumerable(rows.Where(r => r.Task == task));
            var train = View(data.Train);
            var pairs = data.Train.Any(r => r.Task == task && r.Sentence2.Length > 0);

            IEstimator<ITransformer> featurize = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.Transforms.Text.FeaturizeText("Features1", nameof(TaskRow.Sentence1)));
            featurize = pairs
                ? featurize.Append(ml.Transforms.Text.FeaturizeText("Features2", nameof(TaskRow.Sentence2)))
                    .Append(ml.Transforms.Concatenate("Features", "Features1", "Features2"))
                : featurize.Append(ml.Transforms.CopyColumns("Features", "Features1"));

            // One thread: multi-threaded SDCA is not reproducible from run to run, and these sets are tiny.
            var model = featurize
                .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                    new SdcaMaximumEntropyMulticlassTrainer.Options { L2Regularization = L2, NumberOfThreads = 1 }))
                .Fit(train);
            result[task] = ml.MulticlassClassification.Evaluate(model.Transform(View(data.Test))).MicroAccuracy;
        }
        return result;
    }
}
