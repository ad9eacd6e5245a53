namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// What training and scoring do with a row whose data cannot be used: an empty task, a text with nothing to tokenize
/// (empty, or only whitespace, control or zero-width characters) or, in training, a missing label (key 0).
/// </summary>
public enum BadRowHandling
{
    /// <summary>
    /// Training skips the row; scoring gives it a missing prediction (<c>PredictedLabel</c> key 0, every <c>Score</c> slot
    /// NaN). Either way the rows are counted in one warning on the ML.NET channel, as ML.NET's own trainers report the rows
    /// they skip. Default: one bad row in real data must not end a long training run or a 100,000-row scoring pass.
    /// </summary>
    Skip = 0,

    /// <summary>Throw at the first such row, naming the data set, row, column and task.</summary>
    Throw = 1,
}
