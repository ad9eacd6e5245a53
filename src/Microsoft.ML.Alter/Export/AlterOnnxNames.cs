namespace Microsoft.ML.Alter.Export;

/// <summary>Names of the exported graph's inputs and outputs.</summary>
public static class AlterOnnxNames
{
    /// <summary>int64 [batch, length]: WordPiece ids, [CLS] first, padded with the vocabulary's [PAD] id.</summary>
    public const string InputIds = "input_ids";

    /// <summary>int64 [batch, length]: 1 for real tokens, 0 for padding.</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>int64 [batch, length]: 0 for the first text (with [CLS] and its [SEP]), 1 for the second text of a pair.</summary>
    public const string TokenTypeIds = "token_type_ids";

    /// <summary>int64 [batch]: each row's task, an index into the metadata's task list.</summary>
    public const string TaskId = "task_id";

    /// <summary>
    /// float32 [batch, labels of all tasks]: task t's probabilities sit at its offset (metadata), in its label order; every
    /// other slot of the row is 0.
    /// </summary>
    public const string Probabilities = "probabilities";

    /// <summary>int64 [batch]: the most probable label's index within the row's own task.</summary>
    public const string Label = "label";
}
