namespace Microsoft.ML.Alter.Text;

/// <summary>
/// Groups inputs into batches of similar length so dynamic padding wastes little compute.
/// </summary>
internal static class LengthBatches
{
    /// <summary>
    /// Indices of <paramref name="lengths"/> in batches of at most <paramref name="batchSize"/>, shortest first.
    /// The sort is stable, so equal lengths keep their order and the result is deterministic.
    /// </summary>
    public static IEnumerable<int[]> Sorted(IReadOnlyList<int> lengths, int batchSize)
    {
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        var order = Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ToArray();
        for (var start = 0; start < order.Length; start += batchSize)
            yield return order[start..Math.Min(order.Length, start + batchSize)];
    }
}
