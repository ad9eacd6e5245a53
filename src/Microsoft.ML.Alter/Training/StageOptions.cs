namespace Microsoft.ML.Alter.Training;

/// <summary>Optimisation settings of one training stage.</summary>
public sealed record StageOptions
{
    /// <summary>Passes over the (re-sampled) training rows.</summary>
    public int Epochs { get; init; }

    /// <summary>Peak learning rate of pretrained-derived weights: encoder, experts, shared experts.</summary>
    public double LearningRate { get; init; }

    /// <summary>
    /// Peak learning rate of the small, freshly initialised parts: task heads, selector logits, gate network.
    /// They start far from useful values, so they learn faster than the pretrained weights.
    /// </summary>
    public double HeadLearningRate { get; init; } = 1e-3;

    /// <summary>Stop when the mean validation accuracy has not improved for this many epochs (0: never stop early).</summary>
    public int EarlyStoppingPatience { get; init; } = 2;

    public void Validate(string stage)
    {
        if (Epochs < 0)
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, $"{stage}: epochs cannot be negative.");
        if (!(LearningRate >= 0) || !double.IsFinite(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"{stage}: the learning rate must be finite and non-negative.");
        if (!(HeadLearningRate >= 0) || !double.IsFinite(HeadLearningRate))
            throw new ArgumentOutOfRangeException(nameof(HeadLearningRate), HeadLearningRate, $"{stage}: the head learning rate must be finite and non-negative.");
        if (EarlyStoppingPatience < 0)
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, $"{stage}: patience cannot be negative.");
    }
}
