namespace Microsoft.ML.Alter.Modeling;

/// <summary>Shape of the mixture of task adapters (MTA) and of the task heads.</summary>
public sealed record MtaOptions
{
    /// <summary>What each expert is. Default <see cref="ExpertKind.FeedForwardCopy"/> (see README: defaults).</summary>
    public ExpertKind ExpertKind { get; init; } = ExpertKind.FeedForwardCopy;

    /// <summary>
    /// Encoder layers (0-based) whose feed-forward sublayer becomes a mixture. Null: the last
    /// <see cref="DefaultLayerCount"/> layers. Empty: no mixture at all, i.e. plain multi-task fine-tuning of a shared
    /// encoder with per-task heads (the baseline ALTER is measured against; such a model has no stage 2).
    /// </summary>
    public int[]? Layers { get; init; }

    /// <summary>How many top layers get a mixture when <see cref="Layers"/> is null (0: none, plain fine-tuning).</summary>
    public int DefaultLayerCount { get; init; } = 2;

    /// <summary>
    /// Experts per mixture. Null: number of tasks + 1, so each task gets its own pair, neighbours sharing one; at most
    /// <see cref="MaxDefaultExpertCount"/>, beyond which tasks share experts through the selector (each expert is a full FFN
    /// copy, about 2.4 M parameters on MiniLM's two MTA layers, so memory would otherwise grow with the task count).
    /// </summary>
    public int? ExpertCount { get; init; }

    /// <summary>
    /// Top-k task routing: each task uses only the k experts with its largest selector logits (ties: lower index),
    /// weighted by softmax(g / τ) renormalised over those k, and the other experts are never computed for its rows.
    /// Null or 0: dense, every expert on every row (the original method). Must not exceed the expert count.
    /// </summary>
    public int? ExpertsPerTask { get; init; }

    /// <summary>
    /// With <see cref="ExpertsPerTask"/>: the fraction of stage 1's steps (and of an added task's training) that run
    /// dense before each task's top k are frozen as its route. 0: the routes are the prior's top k, fixed from the
    /// start; 1: dense for all of stage 1, pruned to the top k at its end (stage 2 then trains on the routed model).
    /// </summary>
    public double RouteWarmupFraction { get; init; }

    /// <summary>True when tasks are routed to <see cref="ExpertsPerTask"/> experts each.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRouted => ExpertsPerTask is > 0;

    /// <summary>Bottleneck width of <see cref="ExpertKind.Bottleneck"/> experts.</summary>
    public int AdapterSize { get; init; } = 64;

    /// <summary>Selector temperature τ: weights = softmax(g / τ).</summary>
    public double Temperature { get; init; } = 0.1;

    /// <summary>Initial selector logit of a task's own two experts.</summary>
    public double PriorFavored { get; init; } = 0.22;

    /// <summary>Initial selector logit of the other experts.</summary>
    public double PriorOther { get; init; } = 0.20;

    /// <summary>Width of the stage-2 gate network's hidden layer.</summary>
    public int GateHiddenSize { get; init; } = 64;

    /// <summary>How task heads pool token vectors.</summary>
    public PoolingKind Pooling { get; init; } = PoolingKind.Mean;

    /// <summary>Dropout before each task head's projection.</summary>
    public double HeadDropout { get; init; } = 0.1;

    /// <summary>The layers that get a mixture in an encoder of <paramref name="layerCount"/> layers.</summary>
    public int[] ResolveLayers(int layerCount)
    {
        var layers = Layers ?? Enumerable.Range(Math.Max(0, layerCount - DefaultLayerCount), Math.Min(DefaultLayerCount, layerCount)).ToArray();
        foreach (var l in layers)
            if (l < 0 || l >= layerCount)
                throw new ArgumentOutOfRangeException(nameof(Layers), l, $"MTA layer {l} does not exist: the encoder has layers 0..{layerCount - 1}.");
        if (layers.Distinct().Count() != layers.Length)
            throw new ArgumentException($"MTA layers are listed twice: {string.Join(", ", layers)}.");
        return layers.Order().ToArray();
    }

    /// <summary>The most experts the default (<see cref="ExpertCount"/> null) gives a mixture: 7 tasks + 1.</summary>
    public const int MaxDefaultExpertCount = 8;

    public int ResolveExpertCount(int taskCount)
    {
        var count = ExpertCount ?? Math.Min(taskCount + 1, MaxDefaultExpertCount);
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(ExpertCount), count, "A mixture needs at least one expert.");
        return count;
    }

    /// <summary>Checks <see cref="ExpertsPerTask"/> against the mixture's expert count.</summary>
    public void ValidateRouting(int expertCount)
    {
        if (ExpertsPerTask is { } k && k > expertCount)
            throw new ArgumentOutOfRangeException(nameof(ExpertsPerTask), k,
                $"{nameof(ExpertsPerTask)} is {k} but each mixture has only {expertCount} experts; use 1..{expertCount}, or 0 / null for the dense mixture.");
    }

    public void Validate()
    {
        if (ExpertsPerTask is < 0)
            throw new ArgumentOutOfRangeException(nameof(ExpertsPerTask), ExpertsPerTask,
                $"{nameof(ExpertsPerTask)} cannot be negative; use 1.. the expert count, or 0 / null for the dense mixture.");
        if (RouteWarmupFraction is < 0 or > 1 || double.IsNaN(RouteWarmupFraction))
            throw new ArgumentOutOfRangeException(nameof(RouteWarmupFraction), RouteWarmupFraction, $"{nameof(RouteWarmupFraction)} must be in [0, 1].");
        if (DefaultLayerCount < 0)
            throw new ArgumentOutOfRangeException(nameof(DefaultLayerCount), DefaultLayerCount, "The number of MTA layers cannot be negative.");
        if (!(Temperature > 0) || !double.IsFinite(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "The selector temperature must be positive.");
        if (AdapterSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(AdapterSize), AdapterSize, "The adapter size must be positive.");
        if (GateHiddenSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(GateHiddenSize), GateHiddenSize, "The gate's hidden size must be positive.");
        if (!(HeadDropout >= 0 && HeadDropout < 1))
            throw new ArgumentOutOfRangeException(nameof(HeadDropout), HeadDropout, "Dropout must be in [0, 1).");
    }
}
