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

    public bool Equals(TaskSpec? other)
        => other is not null && Name == other.Name && Labels.SequenceEqual(other.Labels);

    public override int GetHashCode() => HashCode.Combine(Name, Labels.Count);
}
