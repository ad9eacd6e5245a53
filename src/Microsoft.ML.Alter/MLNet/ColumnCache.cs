using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Holds one input column's values for the rows of a read-ahead batch: the input cursor has moved on by the time a row is
/// served, so its values must be copied while it is current.
/// </summary>
internal abstract class ColumnCache
{
    public abstract void Capture(int slot);

    public abstract Delegate MakeGetter(Func<int> slot);

    public static ColumnCache Create(DataViewRowCursor cursor, DataViewSchema.Column column, int capacity)
    {
        var type = column.Type is VectorDataViewType vector
            ? typeof(VectorCache<>).MakeGenericType(vector.ItemType.RawType)
            : typeof(ScalarCache<>).MakeGenericType(column.Type.RawType);
        return (ColumnCache)Activator.CreateInstance(type, cursor, column, capacity)!;
    }
}

internal abstract class ColumnCache<T>(DataViewRowCursor cursor, DataViewSchema.Column column, int capacity) : ColumnCache
{
    protected readonly ValueGetter<T> Source = cursor.GetGetter<T>(column);

    public T[] Values { get; } = new T[capacity];
}

/// <summary>Scalars are values: a copy is an assignment. Text is copied to its own string, as a cursor may reuse its buffer.</summary>
internal sealed class ScalarCache<T>(DataViewRowCursor cursor, DataViewSchema.Column column, int capacity) : ColumnCache<T>(cursor, column, capacity)
{
    public override void Capture(int slot)
    {
        Source(ref Values[slot]);
        if (Values[slot] is ReadOnlyMemory<char> text)
            Values[slot] = (T)(object)text.ToString().AsMemory();
    }

    public override Delegate MakeGetter(Func<int> slot) => (ValueGetter<T>)((ref T value) => value = Values[slot()]);
}

/// <summary>Each slot owns its vector's buffers (the input getter fills them); consumers get a copy they may change.</summary>
internal sealed class VectorCache<T>(DataViewRowCursor cursor, DataViewSchema.Column column, int capacity) : ColumnCache<VBuffer<T>>(cursor, column, capacity)
{
    public override void Capture(int slot) => Source(ref Values[slot]);

    public override Delegate MakeGetter(Func<int> slot) => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => Values[slot()].CopyTo(ref value));
}
