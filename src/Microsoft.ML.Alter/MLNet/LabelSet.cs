using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// The union of all tasks' labels, in the training label column's key order, and where each task's own labels (head
/// outputs, in the core's ordinal order) sit in it. The output key type and the score vector are over this union; a row's
/// score is its task's softmax spread onto the task's slots, 0 elsewhere.
/// </summary>
internal sealed class LabelSet
{
    private readonly int[][] _slotOfTaskLabel;

    public LabelSet(IReadOnlyList<string> union, IReadOnlyList<TaskSpec> tasks)
    {
        Names = union.ToArray();
        var duplicate = Names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"The label key values list '{duplicate.Key}' twice; each label needs one key.");
        var slot = Names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        _slotOfTaskLabel = tasks.Select(t => t.Labels.Select(l => slot.TryGetValue(l, out var s)
            ? s
            : throw new InvalidDataException($"Task '{t.Name}' has label '{l}', which is not among the label key values.")).ToArray()).ToArray();
    }

    /// <summary>Label names in key order: key k (1-based) is <c>Names[k - 1]</c>.</summary>
    public string[] Names { get; }

    public int Count => Names.Length;

    /// <summary>0-based slot in the union of label <paramref name="local"/> of task <paramref name="task"/>.</summary>
    public int Slot(int task, int local) => _slotOfTaskLabel[task][local];

    public KeyDataViewType KeyType => new(typeof(uint), Count);

    public VectorDataViewType NamesType => new(TextDataViewType.Instance, Count);

    public void GetNames(ref VBuffer<ReadOnlyMemory<char>> dst)
    {
        var editor = VBufferEditor.Create(ref dst, Count);
        for (var i = 0; i < Count; i++)
            editor.Values[i] = Names[i].AsMemory();
        dst = editor.Commit();
    }
}
