namespace Microsoft.ML.Alter.Modeling;

/// <summary>What a task adapter ("expert") of a mixture-of-task-adapters layer is.</summary>
public enum ExpertKind
{
    /// <summary>
    /// A full copy of the layer's pretrained feed-forward network; the experts replace it (the original ALTER).
    /// </summary>
    FeedForwardCopy,

    /// <summary>
    /// A bottleneck adapter (down-projection, activation, zero-initialised up-projection) added in parallel to the
    /// kept pretrained feed-forward network: far fewer parameters and FLOPs per expert.
    /// </summary>
    Bottleneck,
}
