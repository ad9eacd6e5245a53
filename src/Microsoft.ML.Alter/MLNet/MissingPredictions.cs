using Microsoft.ML.Alter.Data;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>Counts, per cursor, the rows scored as missing and why, for the one warning the cursor logs when it ends.</summary>
internal sealed class MissingPredictions
{
    public int NoTask { get; set; }

    public int NoText { get; set; }

    public int UnknownTask { get; set; }

    public int Total => NoTask + NoText + UnknownTask;

    public string Describe(ScoringSettings columns)
    {
        var reasons = new List<string>();
        if (NoTask > 0)
            reasons.Add($"{NoTask} with an empty task column '{columns.Task}'");
        if (NoText > 0)
            reasons.Add($"{NoText} with no usable text in '{columns.Text}' (empty, or only whitespace, control or zero-width characters)");
        if (UnknownTask > 0)
            reasons.Add($"{UnknownTask} of a task the model was not trained on");
        return $"Scored {Total} rows as missing (PredictedLabel key 0, NaN scores): {string.Join("; ", reasons)}. "
               + $"Set {nameof(AlterEstimator.Options.BadRows)} = {nameof(BadRowHandling.Throw)} or "
               + $"{nameof(AlterEstimator.Options.UnknownTask)} = {nameof(UnknownTaskHandling.Throw)} to stop at the first such row instead.";
    }
}
