namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>
/// How much of the data and how many epochs a benchmark run uses. The full run trains on every row; --quick caps
/// train, dev and test rows per task (seeded subsets, the same for every system) and trains fewer epochs, to finish in
/// minutes on 2 cores. Every cap can be set by hand.
/// Stage 1's epochs are the library's (null: chosen from the data, as a user gets them) unless --epochs1 sets them;
/// every system gets the same rule. The quick run keeps 1 epoch: it shows that every system runs, not how well.
/// </summary>
internal sealed record SuitePlan(string Mode, int? MaxTrain, int? MaxDev, int? MaxTest, int? Epochs1, int Epochs2, int ScoringRows, int MemoryRows, int ScoringRepeat,
    int ScalingTrainRows, int ScalingScoreRows)
{
    /// <summary>
    /// The parts --systems can pick. The ALTER work is split so that a full run on a small machine can go in sittings
    /// of a couple of hours: `alter` (default stage 1, then stage 2), `stage2-ablations` (3 shared experts, frozen heads:
    /// stage 2 again from the default stage 1, trained here or read with --stage1), and one stage 1 + 2 per ablation.
    /// </summary>
    public static readonly string[] AllParts =
        { "peak", "mlnet", "minilm", "single-ft", "multi-ft", "alter", "stage2-ablations", "bottleneck", "layers", "experts", "routing", "scoring", "memory", "scaling" };

    /// <summary>The parts that are commands of their own (the same run, with --systems defaulting to them).</summary>
    public static readonly (string Name, string[] Parts, string Description)[] Commands =
    {
        ("peak", new[] { "peak" }, "fp32 matmul GFLOP/s: large square products (the machine's peak) and MiniLM's training shapes"),
        ("baselines", new[] { "mlnet", "minilm" }, "Per task: ML.NET FeaturizeText + SDCA, and frozen MiniLM embeddings + L-BFGS logistic regression; L2 chosen on dev"),
        ("fine-tuning", new[] { "single-ft", "multi-ft" }, "MiniLM fully fine-tuned: one model per task, and one shared encoder (no MTA)"),
        ("alter", new[] { "alter" }, "One ALTER model over all tasks: stage 1 and stages 1+2, dev and test per task; recipe probes with --stage1-only"),
        ("ablations", new[] { "stage2-ablations", "bottleneck", "layers", "experts" }, "ALTER variants: 3 shared experts, frozen heads, bottleneck experts, 1 MTA layer, 4 experts"),
        ("routing", new[] { "routing" }, "ALTER routed to 2 experts per task, three ways: routes fixed from the prior, chosen after a dense quarter of stage 1, pruned after a dense stage 1"),
        ("scoring", new[] { "scoring" }, "ALTER through ML.NET (Transform, PredictionEngine) vs ONNX Runtime's MiniLM encoder: sentences/s, tokens/s, FLOPs/token"),
        ("memory", new[] { "memory" }, "RSS and .NET heap along one long Transform pass: growth after the first 1k rows, peak"),
        ("scaling", new[] { "scaling" }, "Cost against the number of tasks: training ms/example and scoring ms/row, tokens/s, GFLOP/s"),
    };

    /// <summary>Names standing for several parts.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Groups
        = Commands.Where(c => c.Parts.Length > 1).ToDictionary(c => c.Name, c => c.Parts, StringComparer.OrdinalIgnoreCase);

    public static readonly SuitePlan Quick = new("quick", MaxTrain: 64, MaxDev: 40, MaxTest: 80, Epochs1: 1, Epochs2: 1, ScoringRows: 256, MemoryRows: 3_000,
        ScoringRepeat: 1, ScalingTrainRows: 192, ScalingScoreRows: 256);

    public static readonly SuitePlan Full = new("full", MaxTrain: null, MaxDev: null, MaxTest: null, Epochs1: null, Epochs2: 1, ScoringRows: int.MaxValue,
        MemoryRows: 100_000, ScoringRepeat: 2, ScalingTrainRows: 384, ScalingScoreRows: 512);

    /// <summary>The parts to run: --systems a,b (names from <see cref="AllParts"/> or <see cref="Groups"/>), else all of them.</summary>
    public static IReadOnlySet<string> Parts(IReadOnlyList<string> chosen)
    {
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
        => $"{Mode}: train {Cap(MaxTrain)}, dev {Cap(MaxDev)}, test {Cap(MaxTest)} rows per task; stage 1 {Epochs1?.ToString() ?? "the library's"} epoch(s), stage 2 {Epochs2}; "
           + $"scoring {(ScoringRows == int.MaxValue ? "the whole split" : $"{ScoringRows} rows")} (best of {ScoringRepeat}), memory pass {MemoryRows:N0} rows";

    private static string Cap(int? max) => max is { } m ? $"≤ {m}" : "all";
}
