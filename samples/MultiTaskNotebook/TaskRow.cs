/// <summary>
/// One row for every task: the trainer tells tasks apart by <see cref="Task"/>, and an empty <see cref="Sentence2"/>
/// makes a single-sentence row, so sentence and sentence-pair tasks share one IDataView (and one model).
/// </summary>
public sealed class TaskRow
{
    public string Task { get; set; } = "";
    public string Sentence1 { get; set; } = "";
    public string Sentence2 { get; set; } = "";
    public string Label { get; set; } = "";
}

/// <summary>What PredictionEngine fills in: the label text (after MapKeyToValue) and the scores over all tasks' labels.</summary>
public sealed class TaskPrediction
{
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = Array.Empty<float>();
}
