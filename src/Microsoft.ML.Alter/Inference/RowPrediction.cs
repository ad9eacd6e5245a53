namespace Microsoft.ML.Alter.Inference;

/// <summary>A scored row: its task, the probabilities of that task's labels, and the most probable label's index.</summary>
public sealed record RowPrediction(int Task, float[] Probabilities, int PredictedLabel);
