using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Reads a window of rows ahead from the input cursor into <see cref="ColumnCache"/>s, scores them in length-sorted
/// batches, then serves them in input order. See <see cref="BatchScoringDataView"/> for why.
/// </summary>
internal sealed class BatchScoringCursor : DataViewRowCursor
{
    private readonly IHost _host;
    private readonly BatchScoringDataView _view;
    private readonly DataViewRowCursor _input;
    private readonly bool[] _active;
    private readonly bool _scoring;
    private readonly int _capacity;
    private readonly ColumnCache?[] _caches;
    private readonly DataViewRowId[] _ids;
    private readonly ValueGetter<DataViewRowId> _getInputId;
    private readonly uint[] _predicted;
    private readonly float[][] _scores;
    private readonly ScoringRow[] _rows;
    private int _count;
    private int _slot = -1;
    private long _position = -1;
    private bool _inputDone;

    /// <summary>Most rows read ahead, whatever the scoring batch size.</summary>
    private const int MaxWindow = 1 << 16;

    private readonly MissingPredictions _missing = new();

    /// <param name="scoring">Whether an output column is active (otherwise rows pass through unscored).</param>
    public BatchScoringCursor(IHost host, BatchScoringDataView view, DataViewRowCursor input, bool[] active, bool scoring)
    {
        _host = host;
        _view = view;
        _input = input;
        _active = active;
        var inputCount = view.InputColumnCount;
        _scoring = scoring;
        // Without outputs there is nothing to batch: rows pass through one at a time. With outputs the window holds several
        // batches, so sorting it by length lets each batch pad to a length close to its rows' own (consecutive rows of
        // mixed lengths padded together computed about twice the real tokens on sst2).
        // Bounded, so that a huge ScoringBatchSize neither overflows the product nor allocates its arrays up front.
        _capacity = _scoring ? (int)Math.Min((long)view.Owner.Columns.BatchSize * AlterTransformer.ScoringLookAheadBatches, MaxWindow) : 1;
        _caches = new ColumnCache?[inputCount];
        foreach (var column in input.Schema)
            if (input.IsColumnActive(column))
                _caches[column.Index] = ColumnCache.Create(input, column, _capacity);
        _ids = new DataViewRowId[_capacity];
        _getInputId = input.GetIdGetter();
        _predicted = new uint[_capacity];
        _scores = new float[_capacity][];
        _rows = new ScoringRow[_capacity];
    }

    public override DataViewSchema Schema => _view.Schema;

    public override long Position => _position;

    public override long Batch => 0;

    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    public override bool MoveNext()
    {
        if (_slot + 1 < _count)
        {
            _slot++;
            _position++;
            return true;
        }
        if (_inputDone || !FillBatch())
            return false;
        _slot = 0;
        _position++;
        return true;
    }

    private bool FillBatch()
    {
        _count = 0;
        while (_count < _capacity)
        {
            if (!_input.MoveNext())
            {
                _inputDone = true;
                break;
            }
            foreach (var cache in _caches)
                cache?.Capture(_count);
            _getInputId(ref _ids[_count]);
            _count++;
        }
        if (_count > 0 && _scoring)
            ScoreBatch();
        return _count > 0;
    }

    private void ScoreBatch()
    {
        _host.CheckAlive();
        var inputs = _view.ScoringInputs;
        var first = _position + 1;
        for (var i = 0; i < _count; i++)
            _rows[i] = new ScoringRow(first + i, Text(inputs[0], i), Text(inputs[1], i), inputs.Length > 2 ? Text(inputs[2], i) : null);
        var rows = _count == _capacity ? _rows : _rows.AsSpan(0, _count).ToArray();
        _view.Owner.Scorer.Score(rows, _predicted, _scores, Math.Min(_view.Owner.Columns.BatchSize, _capacity), _missing);
    }

    private string Text(int column, int slot) => ((ColumnCache<ReadOnlyMemory<char>>)_caches[column]!).Values[slot].ToString();

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active[column.Index])
            throw _host.Except($"Column '{column.Name}' was not requested from this cursor.");
        var source = _view.SourceOf[column.Index];
        Delegate getter;
        if (source >= 0)
            getter = _caches[source]!.MakeGetter(() => _slot);
        else if (source == BatchScoringDataView.PredictedOutput)
            getter = (ValueGetter<uint>)((ref uint value) => value = _predicted[CurrentSlot()]);
        else
            getter = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => ScoreVectors.Copy(_scores[CurrentSlot()], ref value));
        return getter as ValueGetter<TValue>
               ?? throw _host.Except($"Column '{column.Name}' holds {column.Type.RawType}, not {typeof(TValue)}.");
    }

    private int CurrentSlot()
    {
        _host.Check(_slot >= 0 && _slot < _count, "The cursor is not on a row.");
        return _slot;
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId value) => value = _ids[CurrentSlot()];

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
            // One warning per cursor, as ML.NET's trainers report skipped rows once, not per row.
            if (_missing.Total > 0)
            {
                using var channel = _host.Start("Scoring");
                channel.Warning(_missing.Describe(_view.Owner.Columns));
            }
        }
        base.Dispose(disposing);
    }
}
