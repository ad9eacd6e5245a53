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
    /// <summary>In <see cref="SourceOf"/>: the column is the PredictedLabel output.</summary>
    internal const int PredictedOutput = -1;

    /// <summary>In <see cref="SourceOf"/>: the column is the Score output.</summary>
    internal const int ScoreOutput = -2;

    private readonly IHost _host;
    private readonly IDataView _input;

    public BatchScoringDataView(IHost host, AlterTransformer owner, IDataView input)
    {
        _host = host;
        _input = input;
        Owner = owner;
        ScoringInputs = owner.ScoringInputs(input.Schema);
        Schema = owner.GetOutputSchema(input.Schema);
        SourceOf = MapColumns(host, Schema, input.Schema, owner.Columns);
    }

    internal AlterTransformer Owner { get; }

    /// <summary>Task, sentence1 (and sentence2) column indices in the input.</summary>
    internal int[] ScoringInputs { get; }

    /// <summary>
    /// For each column of <see cref="Schema"/>: the input column it passes through, or <see cref="PredictedOutput"/> /
    /// <see cref="ScoreOutput"/>.
    /// </summary>
    internal int[] SourceOf { get; }

    internal int InputColumnCount => _input.Schema.Count;

    public DataViewSchema Schema { get; }

    public bool CanShuffle => _input.CanShuffle;

    public long? GetRowCount() => _input.GetRowCount();

    /// <remarks>
    /// Outputs are not always appended after the input columns: when the input already has a column of an output's name
    /// (a <c>Score</c> column in review data, or one ALTER transformer over another's output), ML.NET puts the output right
    /// after the input column it hides. The outputs are the visible columns of their names; every other column is an
    /// input column, in input order. Each pairing is checked by name and type, so a layout ML.NET might change fails here
    /// rather than serving one column's values under another's name.
    /// </remarks>
    private static int[] MapColumns(IHost host, DataViewSchema schema, DataViewSchema input, ScoringSettings columns)
    {
        var predicted = schema[columns.PredictedLabel].Index;
        var score = schema[columns.Score].Index;
        var map = new int[schema.Count];
        var next = 0;
        for (var i = 0; i < schema.Count; i++)
        {
            if (i == predicted || i == score)
            {
                map[i] = i == predicted ? PredictedOutput : ScoreOutput;
                continue;
            }
            host.Check(next < input.Count && input[next].Name == schema[i].Name && input[next].Type.Equals(schema[i].Type),
                $"Output column {i} ('{schema[i].Name}') does not match input column {next}: the scoring schema has an unexpected layout.");
            map[i] = next++;
        }
        host.Check(next == input.Count, "The scoring schema does not hold every input column.");
        return map;
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        Owner.ThrowIfDisposed();
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
            active[column.Index] = true;
        var scoring = Enumerable.Range(0, Schema.Count).Any(i => active[i] && SourceOf[i] < 0);
        var inputActive = new bool[InputColumnCount];
        for (var i = 0; i < Schema.Count; i++)
            if (active[i] && SourceOf[i] >= 0)
                inputActive[SourceOf[i]] = true;
        if (scoring)
            foreach (var index in ScoringInputs)
                inputActive[index] = true;
        if (scoring && Owner.Scorer.Strict)
            StrictScoringCheck.Run(_input, ScoringInputs, Owner.Scorer);
        var inputColumns = _input.Schema.Where(c => inputActive[c.Index]).ToList();
        return new BatchScoringCursor(_host, this, _input.GetRowCursor(inputColumns, rand), active, scoring);
    }

    // One cursor: each one already scores whole batches, and the model serialises network calls anyway.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => new[] { GetRowCursor(columnsNeeded, rand) };
}
