namespace Microsoft.ML.Alter.Bench.Baselines;

/// <summary>
/// Accuracy, MCC and macro-F1 from one confusion matrix, computed here rather than by ML.NET's evaluator so both
/// baselines (and later the ALTER model) are scored by the same code.
/// </summary>
internal sealed record ClassificationMetrics(double Accuracy, double Mcc, double MacroF1, IReadOnlyList<string> Labels, int[][] Confusion)
{
    /// <summary>
    /// <paramref name="labels"/> are the classes the model knows; gold or predicted labels outside it get their own
    /// row so nothing is silently dropped. Confusion[gold][predicted].
    /// </summary>
    public static ClassificationMetrics Compute(IReadOnlyList<string> gold, IReadOnlyList<string> predicted, IReadOnlyList<string> labels)
    {
        if (gold.Count != predicted.Count || gold.Count == 0)
            throw new ArgumentException($"Need as many predictions as gold labels, and at least one (gold {gold.Count}, predicted {predicted.Count}).");
        var all = labels.Concat(gold).Concat(predicted).Distinct().ToList();
        var index = all.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
        var k = all.Count;
        var confusion = Enumerable.Range(0, k).Select(_ => new int[k]).ToArray();
        for (var i = 0; i < gold.Count; i++)
            confusion[index[gold[i]]][index[predicted[i]]]++;
        return new ClassificationMetrics(AccuracyOf(confusion), MccOf(confusion), MacroF1Of(confusion), all, confusion);
    }

    private static double AccuracyOf(int[][] c)
    {
        long correct = 0, total = 0;
        for (var i = 0; i < c.Length; i++)
        {
            correct += c[i][i];
            total += c[i].Sum();
        }
        return correct / (double)total;
    }

    /// <summary>
    /// Gorodkin's multiclass R_K, which equals the usual binary MCC for two classes; 0 when a margin is constant
    /// (e.g. everything predicted as one class), as scikit-learn reports it.
    /// </summary>
    private static double MccOf(int[][] c)
    {
        var k = c.Length;
        double s = 0, correct = 0;
        var predictedTotals = new double[k];
        var goldTotals = new double[k];
        for (var i = 0; i < k; i++)
            for (var j = 0; j < k; j++)
            {
                s += c[i][j];
                goldTotals[i] += c[i][j];
                predictedTotals[j] += c[i][j];
            }
        for (var i = 0; i < k; i++)
            correct += c[i][i];
        var dot = 0.0;
        for (var i = 0; i < k; i++)
            dot += predictedTotals[i] * goldTotals[i];
        var denominator = Math.Sqrt(s * s - predictedTotals.Sum(p => p * p)) * Math.Sqrt(s * s - goldTotals.Sum(g => g * g));
        return denominator == 0 ? 0 : (correct * s - dot) / denominator;
    }

    /// <summary>Unweighted mean of per-class F1 over classes that occur in gold or predictions (a class never seen in either has no F1).</summary>
    private static double MacroF1Of(int[][] c)
    {
        var k = c.Length;
        var scores = new List<double>();
        for (var i = 0; i < k; i++)
        {
            double tp = c[i][i], gold = c[i].Sum(), predicted = c.Sum(row => row[i]);
            if (gold == 0 && predicted == 0)
                continue;
            scores.Add(2 * tp / (gold + predicted));
        }
        return scores.Average();
    }
}
