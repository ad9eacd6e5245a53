namespace Microsoft.ML.Alter.Data;

/// <summary>A row to score: its task and its text (and second text for sentence-pair tasks).</summary>
public sealed record TaskInput(string Task, string Text, string? Text2 = null);
