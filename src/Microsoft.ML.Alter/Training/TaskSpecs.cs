using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Training;

internal static class TaskSpecs
{
    /// <summary>
    /// The tasks of a training set, each with the labels seen with it, in ordinal order of task name and label.
    /// A task seen with a single label is an error: there is nothing to classify.
    /// </summary>
    public static List<TaskSpec> FromExamples(IEnumerable<LabeledExample> rows)
    {
        var specs = rows
            .GroupBy(r => r.Task ?? "", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new TaskSpec(g.Key, g.Select(r => r.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()))
            .ToList();
        if (specs.Count == 0)
            throw new ArgumentException("The training set is empty.");
        foreach (var spec in specs)
            spec.Validate();
        return specs;
    }
}
