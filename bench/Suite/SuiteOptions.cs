using System.CommandLine;
using Microsoft.ML.Alter.Bench.Cli;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>What a benchmark run was asked for, parsed.</summary>
internal sealed record SuiteSettings(Common Common, IReadOnlyList<string>? Tasks, IReadOnlySet<string> Parts, SuitePlan Plan,
    AlterTrainingOptions Training, MtaOptions Mta, string BaseModel, string? Stage1, string? Served, bool AblationsStage1Only, bool Stage1Only,
    IReadOnlyList<double>? SdcaL2, IReadOnlyList<double>? LbfgsL2, IReadOnlyList<int> ScoringBatches, int UntrainedShared,
    IReadOnlyList<int>? ScalingCounts, int PeakSamples);

/// <summary>
/// The options of the benchmark and of each of its parts. Training and model defaults are read from the library's own
/// <see cref="AlterTrainingOptions"/> and <see cref="MtaOptions"/>, so the bench measures what a user gets.
/// </summary>
internal sealed class SuiteOptions
{
    private static readonly AlterTrainingOptions Training = new();
    private static readonly MtaOptions Mta = new();

    private readonly CommonOptions _common = new();
    private readonly Option<bool> _quick = Opt.Flag("--quick", "Subsampled run: 64/40/80 rows per task, 1 epoch per stage, short scoring and memory passes");
    private readonly Option<string[]?> _systems;
    private readonly Option<string[]?> _tasks = Opt.List("--tasks", "Task folders to use (default: all)");
    private readonly Option<string?> _modeName = new("--mode-name", "--name") { Description = "Name of the run: benchmark-NAME.json, BENCHMARKS-NAME.md, probe-NAME.json" };
    private readonly Option<int?> _maxTrain = Opt.Positive("--max-train", "Train rows per task (seeded subset; quick 64, else all)");
    private readonly Option<int?> _maxDev = Opt.Positive("--max-dev", "Dev rows per task (quick 40, else all)");
    private readonly Option<int?> _maxTest = Opt.Positive("--max-test", "Test rows per task (quick 80, else all)");
    private readonly Option<int?> _epochs1 = Opt.Positive("--epochs1", "Stage-1 epochs of every fine-tuned system (quick 1, else the library's: chosen from the data)");
    private readonly Option<int?> _epochs2 = Opt.Positive("--epochs2", "Stage-2 epochs (1)");
    private readonly Option<int?> _scoringRows = Opt.Positive("--scoring-rows", "Sentences of the scoring-speed measurement (quick 256, else the whole split)");
    private readonly Option<int?> _scoringRepeat = Opt.Positive("--scoring-repeat", "Timed passes per scoring path, best kept (quick 1, else 2)");
    private readonly Option<int?> _memoryRows = Opt.Positive("--memory-rows", "Rows of the memory pass (quick 3,000, else 100,000)");
    private readonly Option<int?> _scalingTrainRows = Opt.Positive("--scaling-train-rows", "Timed training rows per task count (quick 192, else 384)");
    private readonly Option<int?> _scalingScoreRows = Opt.Positive("--scaling-score-rows", "Scored rows per task count (quick 256, else 512)");
    private readonly Option<string?> _stage1 = Opt.Text("--stage1", "DIR/alter-s1.alter: stage2-ablations start from an earlier alter part's stage 1");
    private readonly Option<string?> _served = new("--served", "--model") { Description = "A saved .alter model for scoring and memory (else the one alter trains here, else an untrained one)" };
    private readonly Option<bool> _ablationsStage1Only = Opt.Flag("--ablations-stage1-only", "bottleneck, layers, experts, routing: stage 1 only, no stage-2 rows");
    private readonly Option<bool> _stage1Only = Opt.Flag("--stage1-only", "Recipe probe (alter part only): stage 1's dev accuracy per task, no test scoring; writes probe-NAME.json");
    private readonly Option<string> _baseModel = Opt.Of("--base-model", "Pretrained checkpoint folder (default: the embedded all-MiniLM-L6-v2)", "");
    private readonly Option<double> _lr1 = Opt.Of("--lr1", "Stage-1 peak learning rate", Training.Stage1.LearningRate);
    private readonly Option<double> _lr2 = Opt.Of("--lr2", "Stage-2 peak learning rate", Training.Stage2.LearningRate);
    private readonly Option<double?> _expertLr = new("--expert-lr") { Description = "Stage-1 peak learning rate of the task experts (default: --lr1)" };
    private readonly Option<double> _layerDecay = Opt.Of("--layer-decay", "Stage-1 layer-wise learning-rate decay (1: none)", Training.Stage1.LayerDecay);
    private readonly Option<double> _labelSmoothing = Opt.Of("--label-smoothing", "Label smoothing of the training loss", Training.LabelSmoothing);
    private readonly Option<double> _headLr = Opt.Of("--head-lr", "Peak learning rate of heads and gates, both stages", Training.Stage1.HeadLearningRate);
    private readonly Option<int> _patience = Opt.Of("--patience", "Stage-1 early-stopping patience in epochs (0: never)", Training.Stage1.EarlyStoppingPatience);
    private readonly Option<int> _shared = Opt.Of("--shared", "Shared experts added in stage 2", Training.SharedExperts);
    private readonly Option<bool> _freezeHeads = Opt.Flag("--freeze-heads", "Freeze the task heads in stage 2");
    private readonly Option<int> _batch = Opt.Of("--batch", "Training batch size", Training.BatchSize);
    private readonly Option<double> _temperature = Opt.Of("--temperature", "Task sampling temperature", Training.SamplingTemperature);
    private readonly Option<double> _warmup = Opt.Of("--warmup", "Warm-up fraction of the steps", Training.WarmupFraction);
    private readonly Option<double> _weightDecay = Opt.Of("--weight-decay", "AdamW weight decay", Training.WeightDecay);
    private readonly Option<int> _seed = Opt.Of("--seed", "Training seed", Training.Seed);
    private readonly Option<int> _progress = Opt.Of("--progress", "Steps between progress lines", 50);
    private readonly Option<string> _kind = Opt.Of("--kind", "ALTER expert kind: copy (FFN copies) or bottleneck", "copy");
    private readonly Option<int[]?> _layers = Opt.Ints("--layers", "ALTER's MTA layers (default: the last --mta-layers)");
    private readonly Option<int> _mtaLayers = Opt.Of("--mta-layers", "Number of last layers with MTA (0: multi-task fine-tuning)", Mta.DefaultLayerCount);
    private readonly Option<int?> _experts = Opt.Positive("--experts", "Experts per mixture (default: the library's rule)");
    private readonly Option<int?> _expertsPerTask = Opt.Positive("--experts-per-task", "Route each task to K experts (default: dense)");
    private readonly Option<double> _routeWarmup = Opt.Of("--route-warmup", "Fraction of stage 1 before routing starts", Mta.RouteWarmupFraction);
    private readonly Option<int> _adapterSize = Opt.Of("--adapter-size", "Bottleneck adapter width", Mta.AdapterSize);
    private readonly Option<string> _pooling = Opt.Of("--pooling", "Sentence pooling: mean or cls", "mean");
    private readonly Option<double> _headDropout = Opt.Of("--head-dropout", "Dropout before the task heads", Mta.HeadDropout);
    private readonly Option<double[]?> _sdcaL2 = Opt.Numbers("--sdca-l2", "mlnet: L2 grid chosen on dev (default 1e-6,1e-5,1e-4)");
    private readonly Option<double[]?> _lbfgsL2 = Opt.Numbers("--lbfgs-l2", "minilm: L2 grid chosen on dev (default 0.1,0.3,1)");
    private readonly Option<int[]?> _batches = Opt.Ints("--batches", "scoring: batch sizes (default 32,1)");
    private readonly Option<int> _untrainedShared = Opt.Of("--untrained-shared", "scoring: shared experts of an untrained served model (stage 2's cost)", 0);
    private readonly Option<int[]?> _counts = Opt.Ints("--counts", "scaling: task counts (default 2,4,all)");
    private readonly Option<int> _peakSamples = Opt.Of("--peak-samples", "peak: timed samples per product, best kept", 5);

    private SuiteOptions(IReadOnlyList<string> parts)
    {
        _systems = Opt.List("--systems", $"Parts to run, from {string.Join(", ", SuitePlan.AllParts.Concat(SuitePlan.Groups.Keys))}");
        _systems.DefaultValueFactory = _ => parts.ToArray();
        _kind.AcceptOnlyFromAmong("copy", "bottleneck");
        _pooling.AcceptOnlyFromAmong("mean", "cls");
    }

    /// <summary>Adds every benchmark option to <paramref name="command"/>, with --systems defaulting to <paramref name="parts"/>, and runs the suite.</summary>
    public static T Attach<T>(T command, IReadOnlyList<string> parts) where T : CliCommand
    {
        var options = new SuiteOptions(parts);
        options._common.AddTo(command);
        foreach (var field in typeof(SuiteOptions).GetFields(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance))
            if (field.GetValue(options) is Option option)
                command.Options.Add(option);
        command.SetAction(r => SuiteCommand.Run(options.Read(r)));
        return command;
    }

    private SuiteSettings Read(ParseResult r)
    {
        var plan = Plan(r);
        var training = Training with
        {
            Stage1 = Training.Stage1 with { Epochs = plan.Epochs1, LearningRate = r.GetValue(_lr1), HeadLearningRate = r.GetValue(_headLr), EarlyStoppingPatience = r.GetValue(_patience),
                ExpertLearningRate = r.GetValue(_expertLr), LayerDecay = r.GetValue(_layerDecay) },
            Stage2 = Training.Stage2 with { Epochs = plan.Epochs2, LearningRate = r.GetValue(_lr2), HeadLearningRate = r.GetValue(_headLr) },
            SharedExperts = r.GetValue(_shared),
            TrainHeadsInStage2 = !r.GetValue(_freezeHeads),
            BatchSize = r.GetValue(_batch),
            SamplingTemperature = r.GetValue(_temperature),
            WarmupFraction = r.GetValue(_warmup),
            WeightDecay = r.GetValue(_weightDecay),
            LabelSmoothing = r.GetValue(_labelSmoothing),
            Seed = r.GetValue(_seed),
            ProgressInterval = r.GetValue(_progress),
        };
        var mta = Mta with
        {
            ExpertKind = r.GetValue(_kind) == "bottleneck" ? ExpertKind.Bottleneck : ExpertKind.FeedForwardCopy,
            Layers = r.ListOrNull(_layers),
            DefaultLayerCount = r.GetValue(_mtaLayers),
            ExpertCount = r.GetValue(_experts),
            ExpertsPerTask = r.GetValue(_expertsPerTask),
            RouteWarmupFraction = r.GetValue(_routeWarmup),
            AdapterSize = r.GetValue(_adapterSize),
            Pooling = r.GetValue(_pooling) == "cls" ? PoolingKind.Cls : PoolingKind.Mean,
            HeadDropout = r.GetValue(_headDropout),
        };
        var parts = SuitePlan.Parts(r.ListOrNull(_systems)!);
        if (r.GetValue(_stage1Only) && !parts.SetEquals(new[] { AlterSystems.DefaultName }))
            throw new ArgumentException("--stage1-only probes ALTER's stage 1: run it with the alter part alone (`alter ...` or --systems alter).");
        return new SuiteSettings(_common.Read(r), r.ListOrNull(_tasks), parts, plan, training, mta, r.GetValue(_baseModel)!, r.GetValue(_stage1), r.GetValue(_served),
            r.GetValue(_ablationsStage1Only), r.GetValue(_stage1Only), r.ListOrNull(_sdcaL2), r.ListOrNull(_lbfgsL2), r.ListOrNull(_batches) ?? new[] { 32, 1 },
            r.GetValue(_untrainedShared), r.ListOrNull(_counts), r.GetValue(_peakSamples));
    }

    private SuitePlan Plan(ParseResult r)
    {
        var plan = r.GetValue(_quick) ? SuitePlan.Quick : SuitePlan.Full;
        return plan with
        {
            Mode = r.GetValue(_modeName) ?? plan.Mode,
            MaxTrain = r.GetValue(_maxTrain) ?? plan.MaxTrain,
            MaxDev = r.GetValue(_maxDev) ?? plan.MaxDev,
            MaxTest = r.GetValue(_maxTest) ?? plan.MaxTest,
            Epochs1 = r.GetValue(_epochs1) ?? plan.Epochs1,
            Epochs2 = r.GetValue(_epochs2) ?? plan.Epochs2,
            ScoringRows = r.GetValue(_scoringRows) ?? plan.ScoringRows,
            MemoryRows = r.GetValue(_memoryRows) ?? plan.MemoryRows,
            ScoringRepeat = r.GetValue(_scoringRepeat) ?? plan.ScoringRepeat,
            ScalingTrainRows = r.GetValue(_scalingTrainRows) ?? plan.ScalingTrainRows,
            ScalingScoreRows = r.GetValue(_scalingScoreRows) ?? plan.ScalingScoreRows,
        };
    }
}
