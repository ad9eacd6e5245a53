namespace Microsoft.ML.Alter.Modeling;

/// <summary>How a task head pools the encoder's token vectors into one vector per row.</summary>
public enum PoolingKind
{
    /// <summary>Average over real tokens (what all-MiniLM-L6-v2 was trained with).</summary>
    Mean,

    /// <summary>The first token, [CLS].</summary>
    Cls,
}
