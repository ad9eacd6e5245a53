namespace Microsoft.ML.Alter.MLNet;

/// <summary>What scoring does with a row whose task the model was never trained on.</summary>
public enum UnknownTaskHandling
{
    /// <summary>Throw, naming the row, the task and the tasks the model serves (default: a silent miss hides data bugs).</summary>
    Throw = 0,

    /// <summary>
    /// Return a missing prediction: <c>PredictedLabel</c> is the missing key (0) and every <c>Score</c> slot is NaN.
    /// </summary>
    MissingPrediction = 1,
}
