using Microsoft.ML.Alter.Inference;
using System.Diagnostics;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Training;

/// <summary>
/// Trains ALTER models: stage 1 (everything), stage 2 (shared experts and gate, the rest frozen) and adding a task
/// to a trained model (its selector logits and head only). Usable without ML.NET.
/// </summary>
public sealed class AlterTrainer
{
    private readonly AlterTrainingOptions _options;
    private readonly IProgress<TrainingProgress>? _progress;

    public AlterTrainer(AlterTrainingOptions? options = null, IProgress<TrainingProgress>? progress = null)
    {
        _options = options ?? new AlterTrainingOptions();
        _options.Validate();
        _progress = progress;
    }

    public AlterTrainingOptions Options => _options;

    /// <summary>Creates a model over <paramref name="pretrained"/> for the tasks and labels of <paramref name="train"/>, then runs stage 1.</summary>
    public (AlterModel Model, StageResult Result) CreateAndTrainStage1(
        PretrainedCheckpoint pretrained, IReadOnlyList<LabeledExample> train, IReadOnlyList<LabeledExample>? validation,
        MtaOptions? mta = null, int maxLength = BertTextTokenizer.DefaultMaxLength, CancellationToken cancellation = default, Device? device = null)
    {
        var model = pretrained.CreateAlterModel(TaskSpecs.FromExamples(train), mta, maxLength, _options.Seed, device);
        try
        {
            return (model, TrainStage1(model, train, validation, cancellation));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Stage 1: encoder, experts, selectors and heads train together with plain cross-entropy.</summary>
    public StageResult TrainStage1(AlterModel model, IReadOnlyList<LabeledExample> train, IReadOnlyList<LabeledExample>? validation,
        CancellationToken cancellation = default)
    {
        if (model.Config.SharedExpertCount > 0)
            throw new InvalidOperationException("Stage 1 runs before stage 2: this model already has its stage-2 shared experts and gate.");
        var fast = model.Mixtures.SelectMany(m => m.Selector.parameters()).Concat(model.Heads.SelectMany(h => h.parameters())).ToHashSet();
        var slow = model.parameters().Where(p => !fast.Contains(p)).ToList();
        var result = Run(model, "stage 1", Encode(model, train, validation), _options.Stage1,
            new[] { new ParameterGroup(slow, _options.Stage1.LearningRate), new ParameterGroup(fast.ToList(), _options.Stage1.HeadLearningRate) },
            scoredTask: null, seedOffset: 1, cancellation);
        // A warm-up of 1 (or a stage stopped early) leaves routes to choose: prune to the top k now.
        model.FreezeRoutes();
        return result;
    }

    /// <summary>
    /// Stage 2: adds the shared experts and the gate network to every mixture (when not there yet) and trains only
    /// them (and the heads when <see cref="AlterTrainingOptions.TrainHeadsInStage2"/>); everything else is frozen.
    /// </summary>
    public StageResult TrainStage2(AlterModel model, IReadOnlyList<LabeledExample> train, IReadOnlyList<LabeledExample>? validation,
        CancellationToken cancellation = default)
    {
        if (model.Config.MtaLayers.Length == 0)
            throw new InvalidOperationException(
                "Stage 2 adds shared experts to the mixtures of task adapters, and this model has none (it was created with no MTA layers: plain multi-task fine-tuning).");
        var rows = Encode(model, train, validation);
        model.FreezeRoutes();
        if (model.Config.SharedExpertCount == 0)
        {
            manual_seed(_options.Seed + 2);
            model.AddStage2(_options.SharedExperts);
        }
        var shared = model.Mixtures.SelectMany(m => m.SharedExpertParameters()).ToList();
        var fast = model.Mixtures.SelectMany(m => m.GateParameters()).ToList();
        if (_options.TrainHeadsInStage2)
            fast.AddRange(model.Heads.SelectMany(h => h.parameters()));
        return Run(model, "stage 2", rows, _options.Stage2,
            new[] { new ParameterGroup(shared, _options.Stage2.LearningRate), new ParameterGroup(fast, _options.Stage2.HeadLearningRate) },
            scoredTask: null, seedOffset: 2, cancellation);
    }

    /// <summary>
    /// Adds task <paramref name="task"/> to a trained model and trains only its selector logits and head, everything
    /// else frozen: the other tasks' predictions stay bit-identical. Its labels are those seen in <paramref name="train"/>.
    /// </summary>
    public StageResult AddTask(AlterModel model, string task, IReadOnlyList<LabeledExample> train, IReadOnlyList<LabeledExample>? validation,
        CancellationToken cancellation = default)
    {
        var stray = train.Concat(validation ?? Array.Empty<LabeledExample>()).Select((r, i) => (r, i)).FirstOrDefault(p => p.r.Task != task);
        if (stray.r is not null)
            throw new ArgumentException($"Row {stray.i} belongs to task '{stray.r.Task}', not to the task being added, '{task}'.");
        var spec = TaskSpecs.FromExamples(train).Single();
        manual_seed(_options.Seed + 3);
        var (selectors, head) = model.AddTask(spec);
        var trainable = selectors.Concat(head.parameters()).ToList();
        var index = model.TaskIndex(task);
        var result = Run(model, $"add task '{task}'", Encode(model, train, validation), _options.AddTask,
            new[] { new ParameterGroup(trainable, _options.AddTask.HeadLearningRate) }, scoredTask: index, seedOffset: 3, cancellation);
        model.FreezeRoutes();
        return result;
    }

    private (EncodedRows Train, EncodedRows? Validation) Encode(AlterModel model, IReadOnlyList<LabeledExample> train, IReadOnlyList<LabeledExample>? validation)
    {
        if (train.Count == 0)
            throw new ArgumentException("The training set is empty.");
        return (EncodedRows.FromExamples(model, train, "training"),
            validation is { Count: > 0 } ? EncodedRows.FromExamples(model, validation, "validation") : null);
    }

    private StageResult Run(AlterModel model, string stage, (EncodedRows Train, EncodedRows? Validation) data, StageOptions stageOptions,
        IReadOnlyList<ParameterGroup> groups, int? scoredTask, int seedOffset, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var trainable = groups.SelectMany(g => g.Parameters).ToList();
        var trainableCount = trainable.Sum(p => p.numel());
        var totalCount = model.parameters().Sum(p => p.numel());
        var validation = data.Validation is { } v && scoredTask is { } only ? v.OfTask(only) : data.Validation;
        var rows = scoredTask is { } t ? data.Train.OfTask(t) : data.Train;
        var sampler = new TaskBatchSampler(rows, _options.BatchSize, _options.SamplingTemperature);
        var random = new Random(_options.Seed + seedOffset);
        manual_seed(_options.Seed + seedOffset);

        var trainableSet = trainable.ToHashSet();
        foreach (var p in model.parameters())
            p.requires_grad = trainableSet.Contains(p);

        var totalSteps = Math.Max(1, sampler.BatchesPerEpoch * stageOptions.Epochs);
        var schedule = LearningRateSchedule.For(totalSteps, _options.WarmupFraction);
        // Tasks without a route yet (a routed model with a routing warm-up) train dense until this step.
        var routeStep = (int)Math.Round(totalSteps * model.Config.Mta.RouteWarmupFraction);
        var losses = new List<double>();
        Dictionary<Parameter, Tensor>? best = null;
        IReadOnlyDictionary<string, double> bestAccuracy = new Dictionary<string, double>();
        var bestScore = double.NegativeInfinity;
        var bestEpoch = 0;
        var sinceBest = 0;
        var step = 0;
        using var optimizer = CreateOptimizer(groups, out var peaks);
        var controllers = optimizer.ParamGroups.ToList();
        var device = model.parameters().First().device;
        try
        {
            model.train();
            for (var epoch = 1; epoch <= stageOptions.Epochs; epoch++)
            {
                var batches = sampler.Epoch(random);
                double lossSum = 0;
                for (var b = 0; b < batches.Count; b++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (step == routeStep && model.HasUnchosenRoutes)
                        model.FreezeRoutes();
                    var factor = schedule.Factor(step);
                    for (var g = 0; g < controllers.Count; g++)
                        controllers[g].LearningRate = peaks[g] * factor;
                    lossSum += TrainingStep.Run(model, rows, batches[b], optimizer, trainable, _options.MaxGradNorm, device);
                    step++;
                    if (step % CollectEverySteps == 0)
                        ReleaseOptimizerTemporaries();
                    if (_progress is not null && ((b + 1) % _options.ProgressInterval == 0) && b + 1 < batches.Count)
                        _progress.Report(new TrainingProgress(stage, epoch, stageOptions.Epochs, b + 1, batches.Count, lossSum / (b + 1), null,
                            clock.Elapsed, Remaining(clock.Elapsed, step, totalSteps)));
                }
                var epochLoss = lossSum / Math.Max(1, batches.Count);
                losses.Add(epochLoss);
                var accuracy = validation is null ? null : Evaluation.Accuracy(model, validation, _options.EvaluationBatchSize, cancellation);
                model.train();
                _progress?.Report(new TrainingProgress(stage, epoch, stageOptions.Epochs, batches.Count, batches.Count, epochLoss,
                    accuracy ?? new Dictionary<string, double>(), clock.Elapsed, Remaining(clock.Elapsed, step, totalSteps)));
                // Without validation data the last epoch is kept; with it, the best mean accuracy over tasks.
                var score = accuracy is { Count: > 0 } ? accuracy.Values.Average() : epoch;
                if (score > bestScore)
                {
                    bestScore = score;
                    bestEpoch = epoch;
                    bestAccuracy = accuracy ?? new Dictionary<string, double>();
                    sinceBest = 0;
                    if (validation is not null && epoch < stageOptions.Epochs)
                        best = Snapshot(trainable, best);
                    else if (best is not null)
                        DisposeSnapshot(ref best);
                }
                else if (stageOptions.EarlyStoppingPatience > 0 && ++sinceBest >= stageOptions.EarlyStoppingPatience)
                {
                    break;
                }
            }
            return new StageResult(stage, losses.Count, bestEpoch, bestAccuracy, losses, clock.Elapsed, trainableCount, totalCount);
        }
        finally
        {
            // Whatever happened (done, stopped early, cancelled), keep the best weights seen and leave the model usable.
            if (best is not null)
            {
                using (no_grad())
                    foreach (var (parameter, saved) in best)
                        parameter.copy_(saved);
                DisposeSnapshot(ref best);
            }
            foreach (var p in model.parameters())
                p.requires_grad = true;
            model.eval();
        }
    }

    // TorchSharp 0.107's AdamW.step leaves tensor wrappers (about 30 MB per MiniLM step) to the finalizer rather than to
    // the step's dispose scope; their native memory returns only when .NET collects, which managed allocation rarely
    // triggers. Measured: resident memory grew from 0.6 to 4.1 GB over 60 steps without this, and stays flat with it.
    private const int CollectEverySteps = 8;

    private static void ReleaseOptimizerTemporaries()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    /// <param name="peaks">Peak learning rate of each optimizer parameter group, in the optimizer's order.</param>
    private OptimizerHelper CreateOptimizer(IReadOnlyList<ParameterGroup> groups, out List<double> peaks)
    {
        var paramGroups = new List<AdamW.ParamGroup>();
        peaks = new List<double>();
        foreach (var (parameters, learningRate, decay) in OptimizerGroups.Split(groups, _options.WeightDecay))
        {
            paramGroups.Add(new AdamW.ParamGroup(parameters, new AdamW.Options { LearningRate = learningRate, weight_decay = decay }));
            peaks.Add(learningRate);
        }
        if (paramGroups.Count == 0)
            throw new InvalidOperationException("Nothing to train: the stage has no trainable parameters.");
        return optim.AdamW(paramGroups);
    }

    private static TimeSpan Remaining(TimeSpan elapsed, int done, int total)
        => done == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)(elapsed.Ticks * (double)Math.Max(0, total - done) / done));

    private static Dictionary<Parameter, Tensor> Snapshot(IEnumerable<Parameter> parameters, Dictionary<Parameter, Tensor>? reuse)
    {
        using var _ = no_grad();
        if (reuse is null)
            return parameters.ToDictionary(p => p, p => p.detach().clone().DetachFromDisposeScope());
        foreach (var (parameter, saved) in reuse)
            saved.copy_(parameter);
        return reuse;
    }

    private static void DisposeSnapshot(ref Dictionary<Parameter, Tensor>? snapshot)
    {
        foreach (var t in snapshot!.Values)
            t.Dispose();
        snapshot = null;
    }
}
