using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Serving;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// A trained ALTER multi-task classifier as an ML.NET transformer. Reads the task column and one or two text columns; adds
/// <c>PredictedLabel</c> (a key over the union of all tasks' labels, always one of the row's own task's labels) and
/// <c>Score</c> (the task's softmax probabilities on its own label slots, 0 on the other tasks' slots).
/// </summary>
/// <remarks>
/// <see cref="Transform"/> scores rows in batches (see <see cref="BatchScoringDataView"/>); <c>PredictionEngine</c> and
/// other row-to-row consumers go through the row mapper, one row per network call. Persisted inside ML.NET's own model zip
/// by <c>mlContext.Model.Save</c>; <c>mlContext.Model.Load</c> finds this class through the assembly's
/// <c>[LoadableClass]</c> registration (AlterTransformer.Persistence.cs), with no RegisterAssembly call.
/// </remarks>
public sealed partial class AlterTransformer : RowToRowTransformerBase, ITransformer, IDisposable
{
    private readonly AlterModel _model;
    private readonly LabelSet _labels;
    private readonly ScoringSettings _columns;
    private readonly RowScorer _scorer;
    private readonly OnnxRuntimePredictor? _onnx;

    internal AlterTransformer(IHostEnvironment env, AlterModel model, LabelSet labels, ScoringSettings columns, OnnxRuntimePredictor? onnx = null)
        : base(Contracts.CheckRef(env, nameof(env)).Register(nameof(AlterTransformer)))
    {
        _model = model;
        _labels = labels;
        _columns = columns;
        _onnx = onnx;
        _scorer = new RowScorer(model, labels, columns, onnx);
        _model.eval();
    }

    /// <summary>The underlying TorchSharp model (the core's type): read it, do not change it while the transformer is in use.</summary>
    public AlterModel Model => Live;

    /// <summary>
    /// <see cref="Transform"/> reads this many scoring batches ahead and sorts those rows by length before batching them,
    /// so each batch pads little; rows still come out in input order.
    /// </summary>
    public const int ScoringLookAheadBatches = 8;

    /// <summary>1 after stage 1 only; 2 once stage 2's shared experts and gate are in place.</summary>
    public int Stage => Live.Config.SharedExpertCount > 0 ? 2 : 1;

    /// <summary>The tasks this model serves, in head order.</summary>
    public IReadOnlyList<string> TaskNames => Live.Tasks.Select(t => t.Name).ToList();

    /// <summary>Each task's own labels (its head's outputs, in order).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> LabelsByTask => Live.Tasks.ToDictionary(t => t.Name, t => t.Labels);

    /// <summary>All labels in output key order: <c>PredictedLabel</c> key k and <c>Score</c> slot k - 1 are <c>Labels[k - 1]</c>.</summary>
    public IReadOnlyList<string> Labels
    {
        get
        {
            ThrowIfDisposed();
            return _labels.Names;
        }
    }

    /// <summary>Encoder layers (0-based) that hold a mixture of task adapters, in the order of <see cref="ExpertWeights()"/>.</summary>
    public IReadOnlyList<int> MtaLayers => Live.Config.MtaLayers;

    /// <summary>
    /// The task-weight selector's expert weights: <c>[MTA layer][task][expert]</c>, each task's weights summing to 1 (task order as
    /// <see cref="TaskNames"/>, layer order as <see cref="MtaLayers"/>).
    /// </summary>
    public double[][][] ExpertWeights() => Live.ExpertWeights();

    /// <summary>The expert weights of one task: <c>[MTA layer][expert]</c>.</summary>
    public double[][] ExpertWeights(string task)
    {
        var index = Live.TaskIndex(task);
        return _model.ExpertWeights().Select(layer => layer[index]).ToArray();
    }

    /// <summary>
    /// The same trained model with other scoring settings, without retraining: how unknown tasks are handled and how many
    /// rows <see cref="Transform"/> scores per network call. Both transformers share the model (disposing one disposes it).
    /// </summary>
    public AlterTransformer WithScoringOptions(UnknownTaskHandling? unknownTask = null, int? scoringBatchSize = null, BadRowHandling? badRows = null)
    {
        ThrowIfDisposed();
        if (scoringBatchSize is <= 0)
            throw Host.ExceptParam(nameof(scoringBatchSize), "The scoring batch size must be positive.");
        return new AlterTransformer(Host, _model, _labels, _columns with
        {
            UnknownTask = unknownTask ?? _columns.UnknownTask,
            BatchSize = scoringBatchSize ?? _columns.BatchSize,
            BadRows = badRows ?? _columns.BadRows,
        }, _onnx);
    }

    internal ScoringSettings Columns => _columns;

    internal LabelSet LabelSet => _labels;

    internal RowScorer Scorer => _scorer;

    /// <summary>Scores <paramref name="input"/> lazily, a batch of rows per network call.</summary>
    /// <remarks>
    /// Hides <see cref="RowToRowTransformerBase.Transform"/> (row by row, not virtual) and, because this class re-declares
    /// <see cref="ITransformer"/>, is also what <c>ITransformer.Transform</c> and transformer chains call.
    /// </remarks>
    public new IDataView Transform(IDataView input)
    {
        Host.CheckValue(input, nameof(input));
        return new BatchScoringDataView(Host, this, input);
    }

    protected override IRowMapper MakeRowMapper(DataViewSchema schema) => new RowMapper(this, schema);

    /// <summary>Indices of the task and text columns in <paramref name="schema"/>, checked.</summary>
    internal int[] ScoringInputs(DataViewSchema schema)
    {
        ThrowIfDisposed();
        var inputs = new List<int>
        {
            SchemaChecks.RequireText(Host, schema, "task", _columns.Task),
            SchemaChecks.RequireText(Host, schema, "sentence1", _columns.Text),
        };
        if (_columns.Text2 is not null)
            inputs.Add(SchemaChecks.RequireText(Host, schema, "sentence2", _columns.Text2));
        return inputs.ToArray();
    }

    /// <summary>
    /// PredictedLabel and Score with the annotations ML.NET's multiclass scorers attach, so that
    /// <c>MulticlassClassification.Evaluate</c> and <c>MapKeyToValue</c> work on them.
    /// </summary>
    internal DataViewSchema.DetachedColumn[] OutputColumns(DataViewSchema inputSchema)
    {
        // A new score-column set id per scoring, as ML.NET's scorers do, so several scorers' outputs stay apart.
        var setId = checked(inputSchema.GetMaxAnnotationKind(out _, AnnotationUtils.Kinds.ScoreColumnSetId) + 1);
        ValueGetter<uint> getSetId = (ref uint value) => value = setId;
        ValueGetter<VBuffer<ReadOnlyMemory<char>>> getNames = _labels.GetNames;

        var predicted = new DataViewSchema.Annotations.Builder();
        predicted.Add(AnnotationUtils.Kinds.KeyValues, _labels.NamesType, getNames);
        predicted.Add(AnnotationUtils.Kinds.ScoreColumnSetId, AnnotationUtils.ScoreColumnSetIdType, getSetId);
        predicted.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance, Text(AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification));
        predicted.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance, Text(AnnotationUtils.Const.ScoreValueKind.PredictedLabel));

        var score = new DataViewSchema.Annotations.Builder();
        score.Add(AnnotationUtils.Kinds.ScoreColumnSetId, AnnotationUtils.ScoreColumnSetIdType, getSetId);
        score.Add(AnnotationUtils.Kinds.ScoreColumnKind, TextDataViewType.Instance, Text(AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification));
        score.Add(AnnotationUtils.Kinds.ScoreValueKind, TextDataViewType.Instance, Text(AnnotationUtils.Const.ScoreValueKind.Score));
        score.Add(AnnotationUtils.Kinds.SlotNames, _labels.NamesType, getNames);
        score.Add(AnnotationUtils.Kinds.TrainingLabelValues, _labels.NamesType, getNames);

        return new[]
        {
            new DataViewSchema.DetachedColumn(_columns.PredictedLabel, _labels.KeyType, predicted.ToAnnotations()),
            new DataViewSchema.DetachedColumn(_columns.Score, new VectorDataViewType(NumberDataViewType.Single, _labels.Count), score.ToAnnotations()),
        };

        static ValueGetter<ReadOnlyMemory<char>> Text(string text) => (ref ReadOnlyMemory<char> value) => value = text.AsMemory();
    }

    /// <summary>
    /// Releases the model's native tensors. A batch being scored on another thread finishes first (see AlterModel.InTurn);
    /// afterwards every use of this transformer, of transformers sharing its model, and of cursors still open over its
    /// output throws <see cref="ObjectDisposedException"/>.
    /// </summary>
    public void Dispose()
    {
        _onnx?.Dispose();
        _model.Dispose();
    }

    /// <summary>The model, or <see cref="ObjectDisposedException"/> naming this transformer once it is disposed.</summary>
    private AlterModel Live
    {
        get
        {
            ThrowIfDisposed();
            return _model;
        }
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_model.IsDisposed, this);
}
