namespace Microsoft.ML.Alter.Data;

/// <summary>One row of a multi-task data set.</summary>
/// <param name="Task">Task name, e.g. "sst2".</param>
/// <param name="Text">First (or only) text.</param>
/// <param name="Text2">Second text for sentence-pair tasks, else null.</param>
/// <param name="Label">Label name within the task.</param>
public sealed record LabeledExample(string Task, string Text, string? Text2, string Label);
