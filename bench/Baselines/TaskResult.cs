namespace Microsoft.ML.Alter.Bench.Baselines;

/// <summary>Dev accuracy of one grid point (L2 regularization strength).</summary>
internal sealed record GridPoint(double L2, double DevAccuracy, double FitSeconds);

/// <summary>
/// One system on one task. TrainSeconds is what producing the selected model costs from raw text (featurizer fit or
/// train-split embedding, plus the selected trainer fit); SelectionSeconds adds the whole grid and its dev scoring.
/// </summary>
internal sealed record TaskResult(
    string Task,
    int TrainRows,
    int DevRows,
    int TestRows,
    int Classes,
    IReadOnlyList<GridPoint> Grid,
    double SelectedL2,
    double DevAccuracy,
    ClassificationMetrics Test,
    double TrainSeconds,
    double SelectionSeconds,
    long Features,
    long TrainedParameters,
    long? FrozenParameters = null,
    double? EmbedSeconds = null);

/// <summary>A baseline's results over all tasks.</summary>
internal sealed record SystemResult(string Name, string Description, IReadOnlyList<TaskResult> Tasks)
{
    public double MeanTestAccuracy => Tasks.Average(t => t.Test.Accuracy);
}
