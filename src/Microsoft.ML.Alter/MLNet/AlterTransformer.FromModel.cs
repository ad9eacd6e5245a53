using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

public sealed partial class AlterTransformer
{
    /// <summary>
    /// Serves a model trained with the TorchSharp core (<see cref="Training.AlterTrainer"/>, or read by
    /// <see cref="Checkpoints.AlterModelStore.Load(string)"/>) through ML.NET: batched <c>Transform</c>, <c>PredictionEngine</c>,
    /// evaluation and <c>mlContext.Model.Save</c>, exactly as a transformer fitted by the ALTER estimator.
    /// </summary>
    /// <remarks>
    /// Training without ML.NET and serving with it is an ordinary split (a training job and an ML.NET application), so the
    /// transformer can be built from the core's model instead of only from <c>Fit</c>. The transformer uses
    /// <paramref name="model"/> itself, not a copy: it puts it in eval mode, disposing the transformer disposes the model,
    /// and the model must not be trained or changed while the transformer is in use.
    /// </remarks>
    /// <param name="env">The <see cref="MLContext"/> (or any ML.NET host environment).</param>
    /// <param name="model">The trained model; its tasks and their labels are what the transformer serves.</param>
    /// <param name="taskColumnName">Input text column naming each row's task.</param>
    /// <param name="sentence1ColumnName">Input text column: the first (or only) text.</param>
    /// <param name="sentence2ColumnName">Input text column: the second text of sentence-pair tasks, or null.</param>
    /// <param name="labels">
    /// The output key order (<c>PredictedLabel</c> key k and <c>Score</c> slot k - 1 are <c>labels[k - 1]</c>); it must hold every
    /// task's labels. Give the key values of the label column the rows are evaluated against (e.g. a MapValueToKey fitted on the
    /// same labels) so that predicted and true keys agree. Null: every task's labels, task by task in model order, each label
    /// once (tasks that share a label name share its slot).
    /// </param>
    /// <param name="scoringBatchSize">Rows <c>Transform</c> scores per network call.</param>
    /// <param name="unknownTask">What scoring does with a row whose task the model does not serve.</param>
    /// <param name="badRows">What scoring does with a row with an empty task or no usable text.</param>
    /// <exception cref="ArgumentException">A column name is empty, or <paramref name="labels"/> repeats a label or misses one of a task's.</exception>
    public static AlterTransformer FromModel(IHostEnvironment env, AlterModel model, string taskColumnName = "Task",
        string sentence1ColumnName = "Sentence1", string? sentence2ColumnName = null, IReadOnlyList<string>? labels = null,
        string predictedLabelColumnName = "PredictedLabel", string scoreColumnName = "Score", int scoringBatchSize = 32,
        UnknownTaskHandling unknownTask = UnknownTaskHandling.MissingPrediction, BadRowHandling badRows = BadRowHandling.Skip)
    {
        Contracts.CheckValue(env, nameof(env));
        env.CheckValue(model, nameof(model));
        env.CheckNonWhiteSpace(taskColumnName, nameof(taskColumnName));
        env.CheckNonWhiteSpace(sentence1ColumnName, nameof(sentence1ColumnName));
        if (sentence2ColumnName is not null)
            env.CheckNonWhiteSpace(sentence2ColumnName, nameof(sentence2ColumnName));
        env.CheckNonWhiteSpace(predictedLabelColumnName, nameof(predictedLabelColumnName));
        env.CheckNonWhiteSpace(scoreColumnName, nameof(scoreColumnName));
        if (scoringBatchSize <= 0)
            throw env.ExceptParam(nameof(scoringBatchSize), "The scoring batch size must be positive.");
        if (!Enum.IsDefined(unknownTask))
            throw env.ExceptParam(nameof(unknownTask), $"{unknownTask} is not an {nameof(UnknownTaskHandling)} value.");
        if (!Enum.IsDefined(badRows))
            throw env.ExceptParam(nameof(badRows), $"{badRows} is not a {nameof(BadRowHandling)} value.");
        model.ThrowIfDisposed();

        var union = labels?.ToList() ?? model.Tasks.SelectMany(t => t.Labels).Distinct(StringComparer.Ordinal).ToList();
        LabelSet labelSet;
        try
        {
            labelSet = new LabelSet(union, model.Tasks);
        }
        catch (InvalidDataException e)
        {
            // LabelSet's wording suits a damaged saved model; here the caller passed the list, so it is an argument error.
            throw env.ExceptParam(nameof(labels), e.Message);
        }
        var columns = new ScoringSettings(taskColumnName, sentence1ColumnName, sentence2ColumnName, predictedLabelColumnName,
            scoreColumnName, scoringBatchSize, unknownTask, badRows);
        return new AlterTransformer(env, model, labelSet, columns);
    }
}
