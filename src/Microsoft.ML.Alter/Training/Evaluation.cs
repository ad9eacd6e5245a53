using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Training;

internal static class Evaluation
{
    /// <summary>Accuracy of each task present in <paramref name="rows"/>, by task name.</summary>
    public static Dictionary<string, double> Accuracy(AlterModel model, EncodedRows rows, int batchSize = 64, CancellationToken cancellation = default)
    {
        var predictions = AlterPredictor.Predict(model, rows, batchSize, cancellation);
        return Accuracy(model, rows, predictions);
    }

    public static Dictionary<string, double> Accuracy(AlterModel model, EncodedRows rows, IReadOnlyList<RowPrediction> predictions)
    {
        var correct = new Dictionary<int, (int Right, int All)>();
        for (var i = 0; i < rows.Count; i++)
        {
            correct.TryGetValue(rows.Tasks[i], out var c);
            correct[rows.Tasks[i]] = (c.Right + (predictions[i].PredictedLabel == rows.Labels[i] ? 1 : 0), c.All + 1);
        }
        return correct.OrderBy(kv => kv.Key).ToDictionary(kv => model.Tasks[kv.Key].Name, kv => kv.Value.Right / (double)kv.Value.All);
    }
}
