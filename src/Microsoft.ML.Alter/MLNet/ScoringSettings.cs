using Microsoft.ML.Alter.Data;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>The transformer's scoring settings: the columns it reads and writes, batch size and row policies (persisted with it).</summary>
internal sealed record ScoringSettings(
    string Task,
    string Text,
    string? Text2,
    string PredictedLabel,
    string Score,
    int BatchSize,
    UnknownTaskHandling UnknownTask,
    BadRowHandling BadRows)
{
    public static ScoringSettings From(AlterEstimator.Options options) => new(options.TaskColumnName, options.Sentence1ColumnName,
        options.Sentence2ColumnName, options.PredictedLabelColumnName, options.ScoreColumnName, options.ScoringBatchSize, options.UnknownTask, options.BadRows);
}
