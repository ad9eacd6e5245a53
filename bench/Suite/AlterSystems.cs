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

    public static IReadOnlyList<AlterVariant> Ablations(int layerCount) => new[]
    {
        new AlterVariant("bottleneck-all-layers", $"bottleneck adapters (64 wide) beside the kept FFN in all {layerCount} layers",
            new MtaOptions { ExpertKind = ExpertKind.Bottleneck, Layers = Enumerable.Range(0, layerCount).ToArray() }),
        new AlterVariant("copy-1-layer", "FFN-copy experts in the last layer only", new MtaOptions { DefaultLayerCount = 1 }),
        new AlterVariant("copy-4-experts", "FFN-copy experts, 4 per mixture instead of tasks + 1", new MtaOptions { ExpertCount = 4 }),
    };

    /// <summary>
    /// Runs the defaults (and, when <paramref name="ablations"/>, the ablations); every result goes to <paramref name="add"/>
    /// as soon as it exists. Returns the trained default model (stages 1+2) as an <see cref="Checkpoints.AlterModelStore"/> stream.
    /// </summary>
    public static byte[] Run(FineTuning training, IReadOnlyList<TaskSplits> splits, bool ablations, int layerCount, Action<SystemRun> add)
    {
        var stage2Variants = new List<(string Name, string Description, AlterTrainingOptions Options)>
        {
            (DefaultName, "ALTER stages 1+2 (product defaults: FFN-copy experts, last 2 layers, tasks + 1 experts, 1 shared expert, heads trained in stage 2)", training.Options),
        };
        if (ablations)
        {
            stage2Variants.Add(("alter-shared-3", "ALTER 1+2 with 3 shared experts", training.Options with { SharedExperts = 3 }));
            stage2Variants.Add(("alter-frozen-heads", "ALTER 1+2 with the task heads frozen in stage 2", training.Options with { TrainHeadsInStage2 = false }));
        }
        var product = RunOne(training, splits, new AlterVariant(Stage1Name, "ALTER stage 1 only (defaults; = 0 shared experts)", new MtaOptions()), stage2Variants, add);
        if (ablations)
            foreach (var variant in Ablations(layerCount))
                RunOne(training, splits, variant with { Name = variant.Name + "-s1" },
                    new() { (variant.Name, variant.Description + ", stages 1+2", training.Options) }, add);
        return product;
    }

    /// <summary>Stage 1 of a variant, then each stage-2 variant from it; returns the first stage-2 model, saved.</summary>
    private static byte[] RunOne(FineTuning training, IReadOnlyList<TaskSplits> splits, AlterVariant stage1Variant,
        List<(string Name, string Description, AlterTrainingOptions Options)> stage2Variants, Action<SystemRun> add)
    {
        byte[]? first = null;
        var (model, stage1) = training.TrainStage1(stage1Variant.Name, splits, stage1Variant.Mta);
        byte[] snapshot;
        using (model)
        {
            var stage1Details = new Dictionary<string, object>
            {
                ["mta"] = stage1Variant.Mta.ToString(),
                ["stage1"] = Summary(stage1),
                ["expertWeights"] = model.ExpertWeights(),
            };
            add(training.Evaluate(stage1Variant.Name, stage1Variant.Description, model, splits, stage1, stage1.TrainableParameters,
                stage1.WallTime.TotalSeconds, stage1Details));
            snapshot = FineTuning.Snapshot(model);
        }
        foreach (var (name, description, options) in stage2Variants)
        {
            var (tuned, stage2) = training.TrainStage2(name, snapshot, splits, options);
            using (tuned)
            {
                var details = new Dictionary<string, object>
                {
                    ["mta"] = stage1Variant.Mta.ToString(),
                    ["sharedExperts"] = options.SharedExperts,
                    ["trainHeadsInStage2"] = options.TrainHeadsInStage2,
                    ["stage1"] = Summary(stage1),
                    ["stage2"] = Summary(stage2),
                    ["stage2TrainableFraction"] = stage2.TrainableParameters / (double)stage2.TotalParameters,
                    ["stage2WallRatio"] = stage2.WallTime / stage1.WallTime,
                    ["expertWeights"] = tuned.ExpertWeights(),
                };
                add(training.Evaluate(name, description, tuned, splits, stage2, stage2.TrainableParameters,
                    stage1.WallTime.TotalSeconds + stage2.WallTime.TotalSeconds, details));
                first ??= FineTuning.Snapshot(tuned);
            }
        }
        return first ?? snapshot;
    }

    public static StageSummary Summary(StageResult r)
        => new(r.EpochsRun, r.BestEpoch, r.EpochLosses, r.WallTime.TotalSeconds, r.TrainableParameters, r.TotalParameters, r.MeanDevAccuracy);
}

/// <summary>A training stage as the JSON records it.</summary>
internal sealed record StageSummary(int EpochsRun, int BestEpoch, IReadOnlyList<double> EpochLosses, double WallSeconds,
    long TrainableParameters, long TotalParameters, double? MeanDevAccuracy);
