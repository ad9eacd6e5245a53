using Microsoft.ML.Alter.Inference;

namespace Microsoft.ML.Alter.Training;

/// <summary>
/// Plans one epoch of multi-task batches. Each task contributes rows in proportion to n_t^(1/T) (T = sampling
/// temperature: 1 is proportional to task size, larger values up-sample small tasks); the chosen rows are shuffled
/// so batches mix tasks, then sorted by length within pools of a few dozen batches so padding stays small while
/// batch order stays random.
/// </summary>
internal sealed class TaskBatchSampler
{
    private const int BatchesPerPool = 50;
    private readonly int[][] _rowsOfTask;
    private readonly int[] _lengths;
    private readonly int _batchSize;
    private readonly double _temperature;

    public TaskBatchSampler(EncodedRows rows, int batchSize, double temperature)
    {
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        if (!(temperature >= 1))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The sampling temperature must be at least 1.");
        _rowsOfTask = rows.Tasks.Select((t, i) => (t, i)).GroupBy(p => p.t).OrderBy(g => g.Key).Select(g => g.Select(p => p.i).ToArray()).ToArray();
        _lengths = rows.Inputs.Select(i => i.Length).ToArray();
        _batchSize = batchSize;
        _temperature = temperature;
    }

    /// <summary>Rows an epoch draws from each task, in task order.</summary>
    public int[] RowsPerTask()
    {
        var sizes = _rowsOfTask.Select(r => r.Length).ToArray();
        if (_temperature == 1)
            return sizes;
        var total = sizes.Sum();
        var weights = sizes.Select(n => Math.Pow(n, 1 / _temperature)).ToArray();
        var sum = weights.Sum();
        return weights.Select(w => Math.Max(1, (int)Math.Round(total * w / sum))).ToArray();
    }

    public int BatchesPerEpoch => (RowsPerTask().Sum() + _batchSize - 1) / _batchSize;

    /// <summary>The epoch's batches (row indices); deterministic for a given <paramref name="random"/> state.</summary>
    public List<int[]> Epoch(Random random)
    {
        var counts = RowsPerTask();
        var chosen = new List<int>();
        for (var t = 0; t < _rowsOfTask.Length; t++)
        {
            var rows = _rowsOfTask[t].ToArray();
            // Down-sampled tasks take a random subset; up-sampled ones go round their rows again, reshuffled each time.
            for (var taken = 0; taken < counts[t]; taken += rows.Length)
            {
                random.Shuffle(rows);
                chosen.AddRange(rows.Take(Math.Min(rows.Length, counts[t] - taken)));
            }
        }
        var order = chosen.ToArray();
        random.Shuffle(order);
        var batches = new List<int[]>();
        var pool = _batchSize * BatchesPerPool;
        for (var start = 0; start < order.Length; start += pool)
        {
            var sorted = order[start..Math.Min(order.Length, start + pool)].OrderBy(i => _lengths[i]).ToArray();
            for (var b = 0; b < sorted.Length; b += _batchSize)
                batches.Add(sorted[b..Math.Min(sorted.Length, b + _batchSize)]);
        }
        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return shuffled.ToList();
    }
}
