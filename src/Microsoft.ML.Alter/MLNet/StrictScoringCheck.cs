namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Strict scoring (<c>BadRows</c> or <c>UnknownTask</c> = Throw): reads the task and text columns once before any row is
/// scored and throws for the first row that cannot be scored, on the thread that asked for the cursor.
/// </summary>
/// <remarks>
/// Why before rather than at the row: when a pipeline step follows ALTER (MapKeyToValue, an evaluator's own transforms),
/// ML.NET splits this view's cursor across worker threads and consolidates their outputs, and rethrows a worker's exception
/// wrapped twice in "Splitter/consolidator worker encountered exception while consuming source data". Cursors are created
/// on the caller's thread, so an error found here reaches the user as thrown. The cost is one more pass over the task and
/// text columns (no network call), and the error comes before the first row is served, which is what strict mode is for:
/// a long Transform fails at once instead of at its last row. Row numbers count in input order (this pass never shuffles).
/// </remarks>
internal static class StrictScoringCheck
{
    public static void Run(IDataView input, IReadOnlyList<int> scoringInputs, RowScorer scorer)
    {
        var columns = scoringInputs.Select(i => input.Schema[i]).ToList();
        using var cursor = input.GetRowCursor(columns);
        var getters = columns.Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(c)).ToArray();
        var values = new ReadOnlyMemory<char>[getters.Length];
        while (cursor.MoveNext())
        {
            for (var i = 0; i < getters.Length; i++)
                getters[i](ref values[i]);
            scorer.Check(new ScoringRow(cursor.Position, values[0].ToString(), values[1].ToString(), values.Length > 2 ? values[2].ToString() : null));
        }
    }
}
