namespace Microsoft.ML.Alter.Training;

/// <summary>
/// How many epochs a stage runs. Set epochs are taken as they are. Otherwise the epochs follow the data: small data
/// makes few steps per epoch, and a fixed epoch count that suits thousands of rows barely moves the weights on a few
/// hundred (measured: BENCHMARKS.md, "Recipe search"), so the stage runs the fewest epochs that make
/// <see cref="StageOptions.MinimumSteps"/> steps, within bounds.
/// </summary>
internal static class EpochRule
{
    /// <summary>Fewest epochs chosen from the data: one pass alone leaves early stopping nothing to compare.</summary>
    public const int MinimumEpochs = 2;

    /// <summary>Most epochs chosen from the data: beyond this a tiny set is memorised, not learned.</summary>
    public const int MaximumEpochs = 20;

    /// <summary>The stage's epochs, and when they were chosen from the data, a line saying how.</summary>
    public static (int Epochs, string? Reason) Resolve(StageOptions stage, int stepsPerEpoch, string stageName)
    {
        if (stage.Epochs is { } set)
            return (set, null);
        var steps = Math.Max(1, stepsPerEpoch);
        var epochs = Math.Clamp((stage.MinimumSteps + steps - 1) / steps, MinimumEpochs, MaximumEpochs);
        return (epochs, $"{stageName}: {epochs} epochs of {steps} steps, chosen from the data (at least {stage.MinimumSteps} steps, {MinimumEpochs} to {MaximumEpochs} epochs).");
    }
}
