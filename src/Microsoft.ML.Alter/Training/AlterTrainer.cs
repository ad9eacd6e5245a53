using System.Diagnostics;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using TorchSharp;
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
    private readonly Action? _beforeEachStep;
    private readonly Action<string>? _log;

    /// <param name="progress">Told every <see cref="AlterTrainingOptions.ProgressInterval"/> steps and at every epoch end.</param>
    /// <param name="beforeEachStep">
    /// Runs on the training thread before every optimisation step, beside each method's <see cref="CancellationToken"/>:
    /// a way to stop training from a check that has no token (the ML.NET layer passes its host's <c>CheckAlive</c>). An
    /// exception it throws ends the stage as cancellation does: the best weights seen are kept and the model stays usable.
    /// </param>
    /// <param name="log">Told, once per stage, the choices training makes from the data (the epochs, when not set).</param>
    public AlterTrainer(AlterTrainingOptions? options = null, IProgress<TrainingProgress>? progress = null, Action? beforeEachStep = null,
        Action<string>? log = null)
    {
        _options = options ?? new AlterTrainingOptions();
        _options.Validate();
        _progress = progress;
        _beforeEachStep = beforeEachStep;
        _log = log;
    }

    public AlterTrainingOptions Options => _options;

    /// <summary>Creates a model over <paramref name="pretrained"/> for the tasks and labels of <paramref name="train"/>, then runs stage 1.</summary>
    public (AlterModel Model, StageResult Result) CreateAndTrainStage1(
        PretrainedCheckpoint pretrained, IReadOnlyList<LabeledExample> train, IReadOnlyList<LabeledExample>? validation,
        MtaOptions? mta = null, int maxLength = BertTextTokenizer.DefaultMaxLength, CancellationToken cancellation = default, Device? device = null)
    {
        var usable = RowCheck.Usable(train, _options.BadRows, "training", out _);
        var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(usable), mta, maxLength, _options.Seed, device);
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
        var result = Run(model, "stage 1", Encode(model, train, validation), _options.Stage1, StageOneGroups.Of(model, _options.Stage1),
            scoredTask: null, SeedStream.Stage1, cancellation);
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
            manual_seed(SeedOf(SeedStream.Stage2));
            model.AddStage2(_options.SharedExperts);
        }
        var shared = model.Mixtures.SelectMany(m => m.SharedExpertParameters()).ToList();
        var fast = model.Mixtures.SelectMany(m => m.GateParameters()).ToList();
        if (_options.TrainHeadsInStage2)
            fast.AddRange(model.Heads.SelectMany(h => h.parameters()));
        return Run(model, "stage 2", rows, _options.Stage2,
            new[] { new ParameterGroup(shared, _options.Stage2.LearningRate), new ParameterGroup(fast, _options.Stage2.HeadLearningRate) },
            scoredTask: null, SeedStream.Stage2, cancellation);
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
        var spec = TaskSpec.FromExamples(RowCheck.Usable(train, _options.BadRows, "training", out _)).Single();
        manual_seed(SeedOf(SeedStream.AddTask));
        var (selectors, head) = model.AddTask(spec);
        var trainable = selectors.Concat(head.parameters()).ToList();
        var index = model.TaskIndex(task);
        var result = Run(model, $"add task '{task}'", Encode(model, train, validation), _options.AddTask,
            new[] { new ParameterGroup(trainable, _options.AddTask.HeadLearningRate) }, scoredTask: index, SeedStream.AddTask, cancellation);
        model.FreezeRoutes();
        return result;
    }

    /// <summary>The usable rows (<see cref="AlterTrainingOptions.BadRows"/>), checked against the model's tasks and tokenized.</summary>
    private (EncodedRows Train, EncodedRows? Validation, int Skipped) Encode(AlterModel model, IReadOnlyList<LabeledExample> train,
        IReadOnlyList<LabeledExample>? validation)
    {
        if (train.Count == 0)
            throw new ArgumentException("The training set is empty.");
        var usable = RowCheck.Usable(train, _options.BadRows, "training", out var skippedTraining);
        if (usable.Count == 0)
            throw new ArgumentException($"The training set has no usable rows: all {skippedTraining} were skipped.");
        var skippedValidation = 0;
        var usableValidation = validation is null ? null : RowCheck.Usable(validation, _options.BadRows, "validation", out skippedValidation);
        return (EncodedRows.FromExamples(model, usable, "training"),
            usableValidation is { Count: > 0 } ? EncodedRows.FromExamples(model, usableValidation, "validation") : null,
            skippedTraining + skippedValidation);
    }

    private StageResult Run(AlterModel model, string stage, (EncodedRows Train, EncodedRows? Validation, int Skipped) data, StageOptions stageOptions,
        IReadOnlyList<ParameterGroup> groups, int? scoredTask, SeedStream seedStream, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var trainable = groups.SelectMany(g => g.Parameters).ToList();
        var trainableCount = trainable.Sum(p => p.numel());
        var totalCount = model.parameters().Sum(p => p.numel());
        var validation = data.Validation is { } v && scoredTask is { } only ? v.OfTask(only) : data.Validation;
        var rows = scoredTask is { } t ? data.Train.OfTask(t) : data.Train;
        var seed = SeedOf(seedStream);
        using var loop = new EpochLoop(model, rows, groups, _options, stageOptions, stage, seed);
        var epochs = loop.Epochs;
        if (loop.EpochChoice is { } choice)
            _log?.Invoke(choice);
        manual_seed(seed);
        var trainableSet = trainable.ToHashSet();
        foreach (var p in model.parameters())
            p.requires_grad = trainableSet.Contains(p);

        TimeSpan Remaining() => loop.Step == 0
            ? TimeSpan.Zero
            : TimeSpan.FromTicks((long)(clock.Elapsed.Ticks * (double)Math.Max(0, loop.TotalSteps - loop.Step) / loop.Step));
        void BeforeStep()
        {
            cancellation.ThrowIfCancellationRequested();
            _beforeEachStep?.Invoke();
        }

        var losses = new List<double>();
        using var best = new BestWeights(trainable, epochs, stageOptions.EarlyStoppingPatience, validation is not null);
        try
        {
            model.train();
            for (var epoch = 1; epoch <= epochs; epoch++)
            {
                var (epochLoss, stepsPerEpoch) = loop.Run(BeforeStep, (step, steps, loss) =>
                {
                    if (_progress is not null && step % _options.ProgressInterval == 0 && step < steps)
                        _progress.Report(new TrainingProgress(stage, epoch, epochs, step, steps, loss, null, clock.Elapsed, Remaining()));
                });
                losses.Add(epochLoss);
                var accuracy = validation is null ? null : Evaluation.Accuracy(model, validation, _options.EvaluationBatchSize, cancellation);
                model.train();
                _progress?.Report(new TrainingProgress(stage, epoch, epochs, stepsPerEpoch, stepsPerEpoch, epochLoss,
                    accuracy ?? new Dictionary<string, double>(), clock.Elapsed, Remaining()));
                if (!best.Observe(epoch, accuracy))
                    break;
            }
            return new StageResult(stage, losses.Count, best.Epoch, best.Accuracy, losses, clock.Elapsed, trainableCount, totalCount)
            {
                SkippedRows = data.Skipped,
            };
        }
        finally
        {
            // Whatever happened (done, stopped early, cancelled), keep the best weights seen and leave the model usable.
            best.Restore();
            foreach (var p in model.parameters())
                p.requires_grad = true;
            model.eval();
        }
    }

    /// <summary>
    /// Every random stream of training, in one place: the row sampling and TorchSharp's generator (initialisation of new
    /// parts, dropout) of each stage start from <see cref="AlterTrainingOptions.Seed"/> plus the stage's fixed offset, so
    /// a stage run on its own draws exactly what it draws after another stage.
    /// </summary>
    private enum SeedStream
    {
        Stage1 = 1,
        Stage2 = 2,
        AddTask = 3,
    }

    private int SeedOf(SeedStream stream) => _options.Seed + (int)stream;
}
