namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>
/// How much of the data and how many epochs a benchmark run uses. The full run trains on every row; --quick caps
/// train, dev and test rows per task (seeded subsets, the same for every system) and trains fewer epochs, to finish in
/// minutes on 2 cores. Every cap can be set by hand.
/// The full run trains stage 1 for 2 epochs (the product default is 3): on 2 cores ALTER's stage 1 over all 39,000
/// rows of the 7 tasks then takes about 1.8 h instead of 2.7 h, so each part of a split run fits in a working
/// session; epoch selection on dev keeps the comparison fair, and every system gets the same epochs.
/// </summary>
internal sealed record SuitePlan(string Mode, int? MaxTrain, int? MaxDev, int? MaxTest, int Epochs1, int Epochs2, int ScoringRows, int MemoryRows, int ScoringRepeat,
    int ScalingTrainRows, int ScalingScoreRows)
{
    /// <summary>
    /// The parts --systems can pick. The ALTER work is split so that a full run on a small machine can go in sittings
    /// of a couple of hours: `alter` (default stage 1, then stage 2), `stage2-ablations` (3 shared experts, frozen heads:
    /// stage 2 again from the default stage 1, trained here or read with --stage1), and one stage 1 + 2 per ablation.
    /// </summary>
    public static readonly string[] AllParts =
        { "peak", "mlnet", "minilm", "single-ft", "multi-ft", "alter", "stage2-ablations", "bottleneck", "layers", "experts", "scoring", "scaling" };

    /// <summary>Names standing for several parts.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Groups = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["ablations"] = AlterSystems.Parts.Where(p => p != AlterSystems.DefaultName).ToArray(),
    };

    public static SuitePlan From(BenchArgs args)
    {
        var quick = args.Flag("quick");
        var plan = quick
            ? new SuitePlan("quick", MaxTrain: 64, MaxDev: 40, MaxTest: 80, Epochs1: 1, Epochs2: 1, ScoringRows: 256, MemoryRows: 3_000, ScoringRepeat: 1,
                ScalingTrainRows: 192, ScalingScoreRows: 256)
            : new SuitePlan("full", MaxTrain: null, MaxDev: null, MaxTest: null, Epochs1: 2, Epochs2: 1, ScoringRows: int.MaxValue, MemoryRows: 100_000, ScoringRepeat: 2,
                ScalingTrainRows: 384, ScalingScoreRows: 512);
        return plan with
        {
            Mode = args.Get("mode-name", plan.Mode),
            MaxTrain = args.GetOptionalInt("max-train") ?? plan.MaxTrain,
            MaxDev = args.GetOptionalInt("max-dev") ?? plan.MaxDev,
            MaxTest = args.GetOptionalInt("max-test") ?? plan.MaxTest,
            Epochs1 = args.GetOptionalInt("epochs1") ?? plan.Epochs1,
            Epochs2 = args.GetOptionalInt("epochs2") ?? plan.Epochs2,
            ScoringRows = args.GetOptionalInt("scoring-rows") ?? plan.ScoringRows,
            MemoryRows = args.GetOptionalInt("memory-rows") ?? plan.MemoryRows,
            ScoringRepeat = args.GetOptionalInt("scoring-repeat") ?? plan.ScoringRepeat,
        };
    }

    /// <summary>The parts to run: --systems a,b (names from <see cref="AllParts"/> or <see cref="Groups"/>), else all of them.</summary>
    public static IReadOnlySet<string> Parts(BenchArgs args)
    {
        var chosen = args.GetList("systems") ?? AllParts;
        var parts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in chosen)
        {
            if (Groups.TryGetValue(name, out var members))
                parts.UnionWith(members);
            else if (AllParts.Contains(name, StringComparer.OrdinalIgnoreCase))
                parts.Add(name);
            else
                throw new ArgumentException($"--systems: unknown part '{name}'; choose from {string.Join(", ", AllParts.Concat(Groups.Keys))}.");
        }
        return parts;
    }

    public override string ToString()
        => $"{Mode}: train {Cap(MaxTrain)}, dev {Cap(MaxDev)}, test {Cap(MaxTest)} rows per task; stage 1 {Epochs1} epoch(s), stage 2 {Epochs2}; "
           + $"scoring {(ScoringRows == int.MaxValue ? "the whole split" : $"{ScoringRows} rows")} (best of {ScoringRepeat}), memory pass {MemoryRows:N0} rows";

    private static string Cap(int? max) => max is { } m ? $"≤ {m}" : "all";
}
