using Microsoft.ML.Alter.Data;

namespace Microsoft.ML.Alter.Bench.Baselines;

/// <summary>One task's train, dev and test rows, with the label set taken from train.</summary>
internal sealed record TaskSplits(string Task, bool IsPair, List<LabeledExample> Train, List<LabeledExample> Dev, List<LabeledExample> Test,
    int FullTrainCount)
{
    public const int SubsampleSeed = 20240601;

    /// <summary>Labels in ordinal order, so confusion matrices line up across systems and runs.</summary>
    public IReadOnlyList<string> Labels { get; } = Train.Select(r => r.Label).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Reads every split before any training starts, so a missing test.tsv fails in seconds rather than after an
    /// hour. <paramref name="maxTrain"/> keeps a seeded random subset of train in file order; dev and test stay whole
    /// unless <paramref name="maxDev"/> / <paramref name="maxTest"/> cap them the same way (quick runs only).
    /// </summary>
    public static IReadOnlyList<TaskSplits> LoadAll(string root, IReadOnlyList<string>? tasks, int? maxTrain, int? maxDev = null, int? maxTest = null)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Data folder '{root}' does not exist; pass --data DIR (one folder per task with train.tsv, dev.tsv, test.tsv).");
        var names = tasks ?? TaskFolder.Tasks(root);
        foreach (var name in names)
            if (!Directory.Exists(Path.Combine(root, name)))
                throw new DirectoryNotFoundException($"Task '{name}' has no folder in '{root}'; tasks there: {string.Join(", ", TaskFolder.Tasks(root))}.");
        return names.Select(name => Load(root, name, maxTrain, maxDev, maxTest)).ToList();
    }

    private static TaskSplits Load(string root, string task, int? maxTrain, int? maxDev, int? maxTest)
    {
        List<LabeledExample> Split(string split) => TaskFolder.ReadFile(Path.Combine(root, task, split + ".tsv"), task, Console.Error.WriteLine);
        var train = Split("train");
        var dev = Split("dev");
        var test = Split("test");
        if (train.Count == 0 || dev.Count == 0 || test.Count == 0)
            throw new InvalidDataException($"Task '{task}' has an empty split (train {train.Count}, dev {dev.Count}, test {test.Count} rows).");
        var isPair = train[0].Text2 is not null;
        if (new[] { dev, test }.Any(s => (s[0].Text2 is not null) != isPair))
            throw new InvalidDataException($"Task '{task}': train, dev and test must all be single-text or all be pairs.");
        var fullCount = train.Count;
        return new TaskSplits(task, isPair, Subsample(train, maxTrain), Subsample(dev, maxDev), Subsample(test, maxTest), fullCount)
        {
            FullDevCount = dev.Count,
            FullTestCount = test.Count,
        };
    }

    public int FullDevCount { get; init; }

    public int FullTestCount { get; init; }

    /// <summary>A seeded random subset in file order, so every system and every run sees the same rows.</summary>
    private static List<LabeledExample> Subsample(List<LabeledExample> rows, int? max)
    {
        if (max is not { } n || n >= rows.Count)
            return rows;
        var random = new Random(SubsampleSeed);
        var keep = Enumerable.Range(0, rows.Count).OrderBy(_ => random.Next()).Take(n).Order().ToList();
        return keep.Select(i => rows[i]).ToList();
    }
}
