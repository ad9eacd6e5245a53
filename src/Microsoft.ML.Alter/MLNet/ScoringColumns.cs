using Microsoft.ML.Alter.Data;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>The transformer's column names and scoring settings: what it reads, what it writes, and how (persisted with it).</summary>
internal sealed record ScoringColumns(
    string Task,
    string Text1,
    string? Text2,
    string PredictedLabel,
    string Score,
    int BatchSize,
    UnknownTaskHandling UnknownTask,
    BadRowHandling BadRows)
{
    public static ScoringColumns From(AlterEstimator.Options options) => new(options.TaskColumnName, options.Sentence1ColumnName,
        options.Sentence2ColumnName, options.PredictedLabelColumnName, options.ScoreColumnName, options.ScoringBatchSize, options.UnknownTask, options.BadRows);
}
