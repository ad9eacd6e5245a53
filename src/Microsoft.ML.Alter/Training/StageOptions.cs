namespace Microsoft.ML.Alter.Training;

/// <summary>Optimisation settings of one training stage.</summary>
public sealed record StageOptions
{
    /// <summary>
    /// Passes over the (re-sampled) training rows. Null: chosen from the data, the fewest epochs that make at least
    /// <see cref="MinimumSteps"/> optimisation steps, from 2 to 20 epochs (the trainer logs the choice).
    /// </summary>
    public int? Epochs { get; init; }

    /// <summary>With <see cref="Epochs"/> null: the optimisation steps the stage makes at least (within the epoch bounds).</summary>
    public int MinimumSteps { get; init; }

    /// <summary>Peak learning rate of pretrained-derived weights: encoder, experts, shared experts.</summary>
    public double LearningRate { get; init; }

    // The two settings below were searched for the defaults and left out of them (BENCHMARKS.md, "Recipe search"): kept
    // for the benchmark's probes, not offered to users.

    /// <summary>Stage 1: peak learning rate of the task experts; null: <see cref="LearningRate"/>.</summary>
    internal double? ExpertLearningRate { get; init; }

    /// <summary>
    /// Stage 1: layer-wise learning-rate decay. Each encoder layer learns at its upper neighbour's rate times this
    /// factor (the top layer at the full rate, the embeddings lowest); 1: every layer at the same rate.
    /// </summary>
    internal double LayerDecay { get; init; } = 1.0;

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
        if (MinimumSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(MinimumSteps), MinimumSteps, $"{stage}: the minimum number of steps cannot be negative.");
        if (ExpertLearningRate is { } expertRate && !(expertRate >= 0 && double.IsFinite(expertRate)))
            throw new ArgumentOutOfRangeException(nameof(ExpertLearningRate), ExpertLearningRate, $"{stage}: the expert learning rate must be finite and non-negative (null: the learning rate).");
        if (!(LayerDecay > 0 && LayerDecay <= 1))
            throw new ArgumentOutOfRangeException(nameof(LayerDecay), LayerDecay, $"{stage}: the layer decay must be in (0, 1].");
        if (!(LearningRate >= 0) || !double.IsFinite(LearningRate))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"{stage}: the learning rate must be finite and non-negative.");
        if (!(HeadLearningRate >= 0) || !double.IsFinite(HeadLearningRate))
            throw new ArgumentOutOfRangeException(nameof(HeadLearningRate), HeadLearningRate, $"{stage}: the head learning rate must be finite and non-negative.");
        if (EarlyStoppingPatience < 0)
            throw new ArgumentOutOfRangeException(nameof(EarlyStoppingPatience), EarlyStoppingPatience, $"{stage}: patience cannot be negative.");
    }
}
