using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Export;

/// <summary>
/// The tasks an export serves, in output order (the graph's task_id i is <see cref="Specs"/>[i]), with each one's index in
/// the model and its slice of the probability output.
/// </summary>
internal sealed class ExportedTasks
{
    private ExportedTasks(int[] modelIndices, IReadOnlyList<TaskSpec> specs)
    {
        ModelIndices = modelIndices;
        Specs = specs;
        Offsets = new int[specs.Count];
        for (var t = 1; t < specs.Count; t++)
            Offsets[t] = Offsets[t - 1] + specs[t - 1].Labels.Count;
        Width = specs.Sum(s => s.Labels.Count);
    }

    public int[] ModelIndices { get; }

    public IReadOnlyList<TaskSpec> Specs { get; }

    /// <summary>Where each task's labels start in the probability output.</summary>
    public int[] Offsets { get; }

    /// <summary>Width of the probability output: every exported task's labels, task after task.</summary>
    public int Width { get; }

    /// <param name="names">Null: every task of the model, in model order.</param>
    public static ExportedTasks Select(AlterModel model, IReadOnlyList<string>? names)
    {
        if (names is null)
            return new ExportedTasks(Enumerable.Range(0, model.Tasks.Count).ToArray(), model.Tasks);
        if (names.Count == 0)
            throw new ArgumentException("The subset of tasks to export is empty; pass null to export every task.", nameof(names));
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Task '{duplicate.Key}' is listed twice in the subset to export.", nameof(names));
        var indices = names.Select(model.TaskIndex).ToArray();
        return new ExportedTasks(indices, indices.Select(i => model.Tasks[i]).ToList());
    }
}
