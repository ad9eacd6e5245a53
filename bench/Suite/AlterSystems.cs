using Microsoft.ML.Alter.Bench.Baselines;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>A variant of the ALTER defaults that the ablations train from stage 1.</summary>
internal sealed record AlterVariant(string Name, string Description, MtaOptions Mta);

/// <summary>
/// ALTER stage 1 and stages 1+2 with the product defaults, and the ablations that decide those defaults: expert kind,
/// number of MTA layers and of experts (each a new stage 1, then the default stage 2), and shared experts 0/1/3 and
/// trained vs frozen heads in stage 2 (each a stage 2 from the same stage-1 weights; 0 shared experts is stage 1 alone).
/// </summary>
internal static class AlterSystems
{
    public const string Stage1Name = "alter-s1";
    public const string DefaultName = "alter";

    /// <summary>The --systems parts this class runs.</summary>
    public static readonly string[] Parts = { "alter", "stage2-ablations", "bottleneck", "layers", "experts", "routing" };

    /// <summary>Experts per task in the routing part: a task's own pair, as the prior gives it.</summary>
    private const int RoutedExperts = 2;

    /// <summary>The ablations that need their own stage 1, each with the --systems part that runs it.</summary>
    public static IReadOnlyList<(string Part, AlterVariant Variant)> Ablations(int layerCount) => new[]
    {
        ("bottleneck", new AlterVariant("bottleneck-all-layers", $"bottleneck adapters (64 wide) beside the kept FFN in all {layerCount} layers",
            new MtaOptions { ExpertKind = ExpertKind.Bottleneck, Layers = Enumerable.Range(0, layerCount).ToArray() })),
        ("layers", new AlterVariant("copy-1-layer", "FFN-copy experts in the last layer only", new MtaOptions { DefaultLayerCount = 1 })),
        ("experts", new AlterVariant("copy-4-experts", "FFN-copy experts, 4 per mixture instead of tasks + 1", new MtaOptions { ExpertCount = 4 })),
        // Issue 19's three ways of choosing the routes, each compared with the dense default on the same rows.
        ("routing", new AlterVariant("routed-fixed", $"routed, {RoutedExperts} experts per task fixed from the start (the prior's pair)",
            new MtaOptions { ExpertsPerTask = RoutedExperts, RouteWarmupFraction = 0 })),
        ("routing", new AlterVariant("routed-warm", $"routed, dense for the first quarter of stage 1, then each task's top {RoutedExperts} frozen",
            new MtaOptions { ExpertsPerTask = RoutedExperts, RouteWarmupFraction = 0.25 })),
        ("routing", new AlterVariant("routed-pruned", $"routed, dense stage 1 pruned to each task's top {RoutedExperts}, stage 2 re-fits on the routed model",
            new MtaOptions { ExpertsPerTask = RoutedExperts, RouteWarmupFraction = 1 })),
    };

    /// <summary>
    /// Runs the ALTER parts chosen in <see cref="SuiteSettings.Parts"/> (`alter`, `stage2-ablations`, `bottleneck`, `layers`,
    /// `experts`, `routing`); every result goes to <paramref name="add"/> as soon as it exists. The default stage 1 (the library's
    /// defaults, or the recipe the options set) is trained here unless <see cref="SuiteSettings.Stage1"/> (written by an
    /// earlier `alter` part) is given and `alter` is not asked for (the file, ~110 MB, is read only then); when trained, it
    /// is saved with <paramref name="store"/> for later parts, and so is the default stages 1+2 model (which the scoring part
    /// serves). With <see cref="SuiteSettings.AblationsStage1Only"/> the ablations that need their own stage 1 (`bottleneck`,
    /// `layers`, `experts`) stop there: their structure is compared with the default's stage 1, and a small machine saves the
    /// ~20 min each stage 2 takes on full data. Returns that stages 1+2 model, or null when this run did not train it.
    /// </summary>
    public static byte[]? Run(FineTuning training, IReadOnlyList<TaskSplits> splits, SuiteSettings settings, int layerCount, PartModels store, Action<SystemRun> add)
    {
        var parts = settings.Parts;
        var stage2Variants = new List<(string Name, string Description, AlterTrainingOptions Options)>();
        if (parts.Contains("alter"))
            stage2Variants.Add((DefaultName, "ALTER stages 1+2 (product defaults: FFN-copy experts, last 2 layers, tasks + 1 experts, 1 shared expert, heads trained in stage 2)", training.Options));
        if (parts.Contains("stage2-ablations"))
        {
            stage2Variants.Add(("alter-shared-3", "ALTER 1+2 with 3 shared experts", training.Options with { SharedExperts = 3 }));
            stage2Variants.Add(("alter-frozen-heads", "ALTER 1+2 with the task heads frozen in stage 2", training.Options with { TrainHeadsInStage2 = false }));
        }
        byte[]? product = null;
        if (stage2Variants.Count > 0)
        {
            var defaults = new AlterVariant(Stage1Name, "ALTER stage 1 only (defaults; = 0 shared experts)", settings.Mta);
            var trainStage1 = parts.Contains("alter") || settings.Stage1 is null;
            var stage1 = trainStage1 ? TrainStage1(training, splits, defaults, add) : store.LoadStage1(settings.Stage1!);
            if (trainStage1)
                store.Save(stage1);
            // The default variant comes first when `alter` runs: keep its model to serve and save it for later parts.
            product = RunStage2(training, splits, defaults.Mta, stage1, stage2Variants, keepFirst: parts.Contains("alter"), add);
            if (product is not null)
                store.SaveProduct(product);
        }
        foreach (var (part, variant) in Ablations(layerCount))
            if (parts.Contains(part))
            {
                var stage1 = TrainStage1(training, splits, variant with { Name = variant.Name + "-s1" }, add);
                if (!settings.AblationsStage1Only)
                    RunStage2(training, splits, variant.Mta, stage1, new() { (variant.Name, variant.Description + ", stages 1+2", training.Options) },
                        keepFirst: false, add);
            }
        return product;
    }

    /// <summary>
    /// A recipe probe (--stage1-only): the default ALTER stage 1 with the options' recipe, its dev accuracy per task and its
    /// epochs; no test scoring, since settings are chosen on dev. Writes probe-NAME.json.
    /// </summary>
    public static void Probe(FineTuning training, IReadOnlyList<TaskSplits> splits, SuiteSettings settings, RunStamp stamp)
    {
        var name = settings.Plan.Mode;
        var (model, stage1) = training.TrainStage1(name, splits, settings.Mta);
        model.Dispose();
        Console.WriteLine();
        Console.WriteLine($"| {name} | " + string.Join(" | ", splits.Select(s => $"{s.Task} {stage1.DevAccuracy.GetValueOrDefault(s.Task):F4}"))
                          + $" | dev mean {stage1.MeanDevAccuracy:F4} | best epoch {stage1.BestEpoch} of {stage1.EpochsRun} | {stage1.WallTime.TotalMinutes:F1} min |");
        var path = settings.Common.Write($"probe-{name}.json", new
        {
            stamp, mta = settings.Mta.ToString(), options = training.Options, tasks = splits.Select(TaskInfo.Of),
            devStage1 = splits.ToDictionary(s => s.Task, s => stage1.DevAccuracy.GetValueOrDefault(s.Task)),
            stage1 = Summary(stage1),
        });
        Console.WriteLine($"results: {path}");
    }

    /// <summary>Stage 1 of a variant, evaluated and reported; its weights kept for stage 2.</summary>
    private static SavedStage1 TrainStage1(FineTuning training, IReadOnlyList<TaskSplits> splits, AlterVariant variant, Action<SystemRun> add)
    {
        var (model, stage1) = training.TrainStage1(variant.Name, splits, variant.Mta);
        using (model)
        {
            var details = new Dictionary<string, object>
            {
                ["mta"] = variant.Mta.ToString(),
                ["stage1"] = Summary(stage1),
                ["expertWeights"] = model.ExpertWeights(),
            };
            add(training.Evaluate(variant.Name, variant.Description, model, splits, stage1, stage1.TrainableParameters,
                stage1.WallTime.TotalSeconds, details));
            return new SavedStage1(FineTuning.Snapshot(model), Summary(stage1));
        }
    }

    /// <summary>Each stage-2 variant from the same stage-1 weights; returns the first one's model, saved, when <paramref name="keepFirst"/>.</summary>
    private static byte[]? RunStage2(FineTuning training, IReadOnlyList<TaskSplits> splits, MtaOptions mta, SavedStage1 stage1,
        List<(string Name, string Description, AlterTrainingOptions Options)> stage2Variants, bool keepFirst, Action<SystemRun> add)
    {
        byte[]? first = null;
        foreach (var (name, description, options) in stage2Variants)
        {
            var (tuned, stage2) = training.TrainStage2(name, stage1.Model, splits, options);
            using (tuned)
            {
                var details = new Dictionary<string, object>
                {
                    ["mta"] = mta.ToString(),
                    ["sharedExperts"] = options.SharedExperts,
                    ["trainHeadsInStage2"] = options.TrainHeadsInStage2,
                    ["stage1"] = stage1.Summary,
                    ["stage2"] = Summary(stage2),
                    ["stage2TrainableFraction"] = stage2.TrainableParameters / (double)stage2.TotalParameters,
                    ["stage2WallRatio"] = stage2.WallTime.TotalSeconds / stage1.Summary.WallSeconds,
                    ["expertWeights"] = tuned.ExpertWeights(),
                };
                add(training.Evaluate(name, description, tuned, splits, stage2, stage2.TrainableParameters,
                    stage1.Summary.WallSeconds + stage2.WallTime.TotalSeconds, details));
                if (keepFirst)
                    first ??= FineTuning.Snapshot(tuned);
            }
        }
        return first;
    }

    public static StageSummary Summary(StageResult r)
        => new(r.EpochsRun, r.BestEpoch, r.EpochLosses, r.WallTime.TotalSeconds, r.TrainableParameters, r.TotalParameters, r.MeanDevAccuracy);
}

/// <summary>A training stage as the JSON records it.</summary>
internal sealed record StageSummary(int EpochsRun, int BestEpoch, IReadOnlyList<double> EpochLosses, double WallSeconds,
    long TrainableParameters, long TotalParameters, double? MeanDevAccuracy);
