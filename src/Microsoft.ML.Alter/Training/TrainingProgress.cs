namespace Microsoft.ML.Alter.Training;

/// <summary>A progress report from training: every few steps, and at the end of each epoch with validation accuracy.</summary>
/// <param name="Stage">"stage 1", "stage 2" or "add task 'name'".</param>
/// <param name="Epoch">1-based.</param>
/// <param name="Step">Steps done in this epoch.</param>
/// <param name="Loss">Mean training loss over this epoch's steps so far.</param>
/// <param name="DevAccuracy">Per-task validation accuracy, at epoch ends when a validation set was given.</param>
/// <param name="Remaining">Estimated time left in this stage.</param>
public sealed record TrainingProgress(
    string Stage,
    int Epoch,
    int Epochs,
    int Step,
    int StepsPerEpoch,
    double Loss,
    IReadOnlyDictionary<string, double>? DevAccuracy,
    TimeSpan Elapsed,
    TimeSpan Remaining)
{
    public double? MeanDevAccuracy => DevAccuracy is { Count: > 0 } d ? d.Values.Average() : null;

    public override string ToString()
    {
        var head = $"{Stage} epoch {Epoch}/{Epochs} step {Step}/{StepsPerEpoch} loss {Loss:F4} elapsed {Elapsed:hh\\:mm\\:ss} left ~{Remaining:hh\\:mm\\:ss}";
        return DevAccuracy is null
            ? head
            : head + $" | dev mean {MeanDevAccuracy:F4} (" + string.Join(", ", DevAccuracy.Select(kv => $"{kv.Key} {kv.Value:F4}")) + ")";
    }
}
