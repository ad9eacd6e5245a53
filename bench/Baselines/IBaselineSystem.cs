namespace Microsoft.ML.Alter.Bench.Baselines;

/// <summary>A system that trains one model per task, picks its regularization on dev and is scored on test.</summary>
internal interface IBaselineSystem
{
    string Name { get; }

    /// <summary>One line for the report: features, trainer, how pairs are handled, the grid.</summary>
    string Description { get; }

    TaskResult Run(TaskSplits task, Action<string> progress);
}
