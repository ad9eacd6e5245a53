namespace Microsoft.ML.Alter.Data;

/// <summary>
/// What training and scoring do with a row whose data cannot be used: an empty task, a text with nothing to tokenize
/// (empty, or only whitespace, control or zero-width characters) or, in training, a missing label (key 0). One rule for
/// the core trainer (<c>AlterTrainingOptions.BadRows</c>) and the ML.NET layer (<c>AlterEstimator.Options.BadRows</c>).
/// </summary>
public enum BadRowHandling
{
    /// <summary>
    /// Training skips the row; scoring gives it a missing prediction (<c>PredictedLabel</c> key 0, every <c>Score</c> slot
    /// NaN). In ML.NET the rows are counted in one warning on the channel, as ML.NET's own trainers report the rows they
    /// skip; the core trainer counts them in <c>StageResult.SkippedRows</c>. The ML.NET default: one bad row in real data
    /// must not end a long training run or a 100,000-row scoring pass.
    /// </summary>
    Skip = 0,

    /// <summary>Throw at the first such row, naming the data set, row, column and task (the core trainer's default).</summary>
    Throw = 1,
}
