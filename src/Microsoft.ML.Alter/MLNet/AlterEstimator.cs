using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// The ML.NET estimator of an ALTER multi-task text classifier (mixture of task adapters on a small pretrained encoder).
/// Created by <c>mlContext.MulticlassClassification.Trainers.Alter(...)</c> (stage 1 then stage 2),
/// <c>.AlterStage1(...)</c> or <c>.AlterStage2(stage1Transformer, ...)</c>. Named so as not to clash with the core's
/// TorchSharp trainer, <see cref="Training.AlterTrainer"/>, which it drives.
/// </summary>
public sealed partial class AlterEstimator : IEstimator<AlterTransformer>
{
    private readonly IHost _host;
    private readonly Options _options;
    private readonly bool _stage1;
    private readonly bool _stage2;
    private readonly AlterTransformer? _start;

    /// <param name="start">Stage 2 only: the stage-1 transformer to continue from (left unchanged: its model is copied).</param>
    internal AlterEstimator(IHostEnvironment env, Options options, bool stage1, bool stage2, AlterTransformer? start = null)
    {
        _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(AlterEstimator));
        _host.CheckValue(options, nameof(options));
        options.Validate();
        // An estimator that returned an untrained model without a word would be worse than one that refuses.
        if (stage1 && options.Stage1Epochs == 0)
            throw _host.ExceptParam(nameof(Options.Stage1Epochs), "This estimator runs stage 1, which needs at least one epoch.");
        if (stage2 && options.Stage2Epochs == 0)
            throw _host.ExceptParam(nameof(Options.Stage2Epochs),
                "This estimator runs stage 2, which needs at least one epoch (for stage 1 alone, use Trainers.AlterStage1).");
        if (start is not null && start.Stage != 1)
            throw _host.ExceptParam(nameof(start), "Stage 2 continues from a stage-1 model; this one has already been through stage 2.");
        _options = options.Clone();
        _stage1 = stage1;
        _stage2 = stage2;
        _start = start;
    }

    /// <summary>Trains on <paramref name="input"/>: stage 1 and/or stage 2 as this estimator was created for.</summary>
    public AlterTransformer Fit(IDataView input)
    {
        _host.CheckValue(input, nameof(input));
        using var channel = _host.Start("Training ALTER");
        var train = TrainingRows.Read(_host, channel, input, _options, "training", out var labelNames);
        TrainingRows.WarnNearDuplicateTasks(channel, train);
        List<LabeledExample>? validation = null;
        if (_options.ValidationSet is { } validationSet)
            validation = TrainingRows.Read(_host, channel, validationSet, _options, "validation", out _, allowTextLabel: true);
        var seed = _options.Seed ?? (_host as IHostEnvironmentInternal)?.Seed ?? Options.DefaultSeed;
        var device = DeviceSelection.Resolve(_host);
        using var progress = new ChannelProgress(_host, channel, _options.Progress);
        var trainer = new AlterTrainer(_options.ToTrainingOptions(seed), progress, beforeEachStep: _host.CheckAlive, log: message => channel.Info(message));
        channel.Info($"{train.Count} training rows, {train.Select(r => r.Task).Distinct().Count()} tasks, "
                     + $"{validation?.Count ?? 0} validation rows; device {device}.");

        var model = _start is null ? CreateModel(train, seed, device, channel) : _start.Model.Clone();
        try
        {
            if (_start is not null && !labelNames.SequenceEqual(_start.Labels))
                throw _host.Except($"The label column '{_options.LabelColumnName}' has key values [{string.Join(", ", labelNames)}], but the "
                                   + $"stage-1 model was trained with [{string.Join(", ", _start.Labels)}]. Use the same MapValueToKey mapping for both stages.");
            var labels = new LabelSet(labelNames, model.Tasks);
            if (_start is not null)
                model.to(device);
            if (_stage1)
                Log(channel, trainer.TrainStage1(model, train, validation, _options.CancellationToken));
            if (_stage2)
                Log(channel, trainer.TrainStage2(model, train, validation, _options.CancellationToken));
            return new AlterTransformer(_host, model, labels, ScoringSettings.From(_options));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private AlterModel CreateModel(List<LabeledExample> train, int seed, TorchSharp.torch.Device device, IChannel channel)
    {
        var tasks = TaskSpec.FromExamples(train);
        using var pretrained = PretrainedCheckpoint.Load(_options.BaseModel);
        channel.Info($"Base model: {pretrained.Source}; tasks: {string.Join(", ", tasks.Select(t => $"{t.Name} ({t.Labels.Count} labels)"))}.");
        var positions = pretrained.Config.MaxPositionEmbeddings;
        if (_options.MaxLength > positions)
            channel.Warning($"{nameof(Options.MaxLength)} = {_options.MaxLength} is more than the encoder's {positions} positions: rows keep at most {positions} tokens.");
        var model = pretrained.CreateAlterModel(tasks, _options.ToMtaOptions(), _options.MaxLength, seed, device);
        MemoryWarning.Check(channel, model);
        return model;
    }

    private static void Log(IChannel channel, StageResult result)
        => channel.Info($"{result.Stage}: {result.EpochsRun} epochs in {result.WallTime.TotalSeconds:F1}s, kept epoch {result.BestEpoch}, "
                        + $"trained {result.TrainableParameters} of {result.TotalParameters} parameters"
                        + (result.DevAccuracy.Count > 0
                            ? "; validation accuracy " + string.Join(", ", result.DevAccuracy.Select(kv => $"{kv.Key} {kv.Value:F4}"))
                            : "") + ".");

    /// <summary>Checks the input columns and describes PredictedLabel and Score (with the annotations the evaluator needs).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        _host.CheckValue(inputSchema, nameof(inputSchema));
        SchemaChecks.RequireText(_host, inputSchema, "task", _options.TaskColumnName);
        SchemaChecks.RequireText(_host, inputSchema, "sentence1", _options.Sentence1ColumnName);
        if (_options.Sentence2ColumnName is not null)
            SchemaChecks.RequireText(_host, inputSchema, "sentence2", _options.Sentence2ColumnName);
        SchemaChecks.RequireKeyLabel(_host, inputSchema, _options.LabelColumnName);
        inputSchema.TryFindColumn(_options.LabelColumnName, out var label);
        var keyValues = new SchemaShape.Column(AnnotationUtils.Kinds.KeyValues, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false);
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[_options.PredictedLabelColumnName] = new SchemaShape.Column(_options.PredictedLabelColumnName, SchemaShape.Column.VectorKind.Scalar,
            NumberDataViewType.UInt32, true, new SchemaShape(new[] { keyValues }.Concat(AnnotationUtils.GetTrainerOutputAnnotation())));
        columns[_options.ScoreColumnName] = new SchemaShape.Column(_options.ScoreColumnName, SchemaShape.Column.VectorKind.Vector,
            NumberDataViewType.Single, false, new SchemaShape(AnnotationUtils.AnnotationsForMulticlassScoreColumn(label)));
        return new SchemaShape(columns.Values);
    }
}
