using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// What <see cref="AlterTransformer.Transform"/> returns: the input's columns plus PredictedLabel and Score, computed a
/// batch of rows per network call.
/// </summary>
/// <remarks>
/// ML.NET's row mappers see one row at a time, which would run the encoder once per row (batch 1, no padding shared).
/// This view's cursor instead reads up to <c>ScoringBatchSize</c> × <see cref="AlterTransformer.ScoringLookAheadBatches"/> rows
/// ahead from the input cursor, remembers the values of every input column its consumer asked for, scores that window in
/// batches of <c>ScoringBatchSize</c> sorted by length (each padded to its own longest row), then serves the remembered
/// rows one by one in input order. The schema is exactly the row mapper's, so PredictionEngine
/// and Transform agree on columns and annotations. Nothing is computed until a cursor moves (lazy, like any IDataView).
/// </remarks>
internal sealed partial class BatchScoringDataView : IDataView
{
    private readonly IHost _host;
    private readonly IDataView _input;

    public BatchScoringDataView(IHost host, AlterTransformer owner, IDataView input)
    {
        _host = host;
        _input = input;
        Owner = owner;
        ScoringInputs = owner.ScoringInputs(input.Schema);
        Schema = owner.GetOutputSchema(input.Schema);
        // The mapper's outputs are appended after every input column (ML.NET's ColumnBindings); the cursor relies on it.
        _host.Check(Schema.Count == input.Schema.Count + 2, "The row mapper did not append exactly PredictedLabel and Score.");
    }

    internal AlterTransformer Owner { get; }

    /// <summary>Task, sentence1 (and sentence2) column indices in the input.</summary>
    internal int[] ScoringInputs { get; }

    internal int InputColumnCount => _input.Schema.Count;

    public DataViewSchema Schema { get; }

    public bool CanShuffle => _input.CanShuffle;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
            active[column.Index] = true;
        var scoring = active[InputColumnCount] || active[InputColumnCount + 1];
        var inputActive = _input.Schema.Where(c => active[c.Index] || (scoring && ScoringInputs.Contains(c.Index))).ToList();
        return new BatchScoringCursor(_host, this, _input.GetRowCursor(inputActive, rand), active);
    }

    // One cursor: each one already scores whole batches, and the model serialises network calls anyway.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded, rand) };
}
