using Microsoft.ML.Alter.Data;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>A task the model serves: its name and its own label set (head output i is label <c>Labels[i]</c>).</summary>
public sealed record TaskSpec(string Name, IReadOnlyList<string> Labels)
{
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
            throw new ArgumentException("A task needs a non-empty name.");
        if (Labels.Count < 2)
            throw new ArgumentException(
                $"Task '{Name}' has {(Labels.Count == 0 ? "no labels" : $"a single label ('{Labels[0]}')")}; a classification task needs at least two.");
        var duplicate = Labels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Task '{Name}' lists label '{duplicate.Key}' twice.");
    }

    /// <summary>
    /// The tasks of a training set, each with the labels seen with it, in ordinal order of task name and label.
    /// A task seen with a single label is an error: there is nothing to classify.
    /// </summary>
    internal static List<TaskSpec> FromExamples(IEnumerable<LabeledExample> rows)
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

    public bool Equals(TaskSpec? other)
        => other is not null && Name == other.Name && Labels.SequenceEqual(other.Labels);

    public override int GetHashCode() => HashCode.Combine(Name, Labels.Count);
}
