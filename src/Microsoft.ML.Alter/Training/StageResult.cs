namespace Microsoft.ML.Alter.Training;

/// <summary>What a training stage did.</summary>
/// <param name="BestEpoch">Epoch whose weights were kept (1-based; 0 when no epoch ran or none improved on the start).</param>
/// <param name="DevAccuracy">Per-task validation accuracy of the kept weights (empty without a validation set).</param>
/// <param name="EpochLosses">Mean training loss of each epoch run.</param>
public sealed record StageResult(
    string Stage,
    int EpochsRun,
    int BestEpoch,
    IReadOnlyDictionary<string, double> DevAccuracy,
    IReadOnlyList<double> EpochLosses,
    TimeSpan WallTime,
    long TrainableParameters,
    long TotalParameters)
{
    public double? MeanDevAccuracy => DevAccuracy.Count > 0 ? DevAccuracy.Values.Average() : null;

    /// <summary>Training and validation rows skipped as unusable (<see cref="AlterTrainingOptions.BadRows"/> = Skip).</summary>
    public int SkippedRows { get; init; }
}
