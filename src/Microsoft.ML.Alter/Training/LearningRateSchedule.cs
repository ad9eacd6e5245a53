namespace Microsoft.ML.Alter.Training;

/// <summary>
/// A stage's learning-rate factor per step: linear warm-up over the first <see cref="WarmupSteps"/> steps, then
/// linear decay to 0 at <see cref="TotalSteps"/>. Each parameter group's rate is its peak times this factor.
/// </summary>
internal readonly record struct LearningRateSchedule(int TotalSteps, int WarmupSteps)
{
    public static LearningRateSchedule For(int totalSteps, double warmupFraction)
        => new(totalSteps, (int)Math.Round(totalSteps * warmupFraction));

    /// <param name="step">0-based step.</param>
    public double Factor(int step)
        // Warm-up starts above 0 so that the first step already moves the weights.
        => step < WarmupSteps
            ? (step + 1) / (double)(WarmupSteps + 1)
            : Math.Max(0, (TotalSteps - step) / (double)Math.Max(1, TotalSteps - WarmupSteps));
}
