using System.Runtime.CompilerServices;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML;

/// <summary>
/// <c>mlContext.MulticlassClassification.Trainers.Alter(...)</c> and friends: ALTER multi-task text classification in ML.NET
/// pipelines. Each trainer has a simple-arguments overload and an <see cref="AlterEstimator.Options"/> overload.
/// </summary>
public static class AlterCatalog
{
    /// <summary>
    /// Trains an ALTER multi-task classifier: stage 1 (encoder, task adapters, selectors, heads), then stage 2 (shared
    /// experts and gate). Inputs: a text task column, one or two text columns and a key-typed label (MapValueToKey before,
    /// MapKeyToValue after). Each task's labels are the labels seen with it.
    /// </summary>
    /// <param name="baseModel">Null for the embedded all-MiniLM-L6-v2, or a Hugging Face BERT checkpoint folder.</param>
    /// <param name="validationSet">Optional rows with the same columns: per-task accuracy is logged each epoch and the best epoch kept.</param>
    /// <param name="predictedLabelColumnName">The output key column with each row's predicted label.</param>
    /// <param name="scoreColumnName">The output vector column with each row's label probabilities.</param>
    public static AlterEstimator Alter(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string taskColumnName = "Task", string sentence1ColumnName = "Sentence1",
        string? sentence2ColumnName = null, string? baseModel = null, int? stage1Epochs = null, int? stage2Epochs = 1,
        int batchSize = 32, IDataView? validationSet = null, string predictedLabelColumnName = "PredictedLabel",
        string scoreColumnName = "Score")
        => Alter(catalog, Simple(labelColumnName, taskColumnName, sentence1ColumnName, sentence2ColumnName, baseModel, stage1Epochs,
            stage2Epochs, batchSize, validationSet, predictedLabelColumnName, scoreColumnName));

    /// <summary>Trains an ALTER multi-task classifier (stage 1, then stage 2) with every option.</summary>
    public static AlterEstimator Alter(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, AlterEstimator.Options options)
        => new(Env(catalog), options, stage1: true, stage2: true);

    /// <summary>Stage 1 only: the transformer already predicts; continue with <see cref="AlterStage2(MulticlassClassificationCatalog.MulticlassClassificationTrainers, AlterTransformer, string, IDataView?, int?)"/>.</summary>
    public static AlterEstimator AlterStage1(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string taskColumnName = "Task", string sentence1ColumnName = "Sentence1",
        string? sentence2ColumnName = null, string? baseModel = null, int? epochs = null, int batchSize = 32, IDataView? validationSet = null,
        string predictedLabelColumnName = "PredictedLabel", string scoreColumnName = "Score")
        => AlterStage1(catalog, Simple(labelColumnName, taskColumnName, sentence1ColumnName, sentence2ColumnName, baseModel, epochs, 0,
            batchSize, validationSet, predictedLabelColumnName, scoreColumnName));

    /// <summary>Stage 1 only, with every option (the stage-2 options are not used).</summary>
    public static AlterEstimator AlterStage1(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, AlterEstimator.Options options)
        => new(Env(catalog), options, stage1: true, stage2: false);

    /// <summary>
    /// Stage 2 from a stage-1 transformer: adds shared experts and the gate and trains them (the rest frozen). The stage-1
    /// transformer is left as it was. Fit on data with the same columns and the same label key mapping as stage 1; the
    /// task and text column names are the stage-1 transformer's.
    /// </summary>
    public static AlterEstimator AlterStage2(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        AlterTransformer stage1Model, string labelColumnName = "Label", IDataView? validationSet = null, int? epochs = 1)
    {
        Contracts.CheckValue(stage1Model, nameof(stage1Model));
        var columns = stage1Model.Columns;
        var options = new AlterEstimator.Options
        {
            LabelColumnName = labelColumnName,
            TaskColumnName = columns.Task,
            Sentence1ColumnName = columns.Text,
            Sentence2ColumnName = columns.Text2,
            PredictedLabelColumnName = columns.PredictedLabel,
            ScoreColumnName = columns.Score,
            ScoringBatchSize = columns.BatchSize,
            UnknownTask = columns.UnknownTask,
            BadRows = columns.BadRows,
            Stage2Epochs = epochs,
            ValidationSet = validationSet,
        };
        return AlterStage2(catalog, stage1Model, options);
    }

    /// <summary>Stage 2 from a stage-1 transformer, with every option (the model-shape and stage-1 options are not used).</summary>
    public static AlterEstimator AlterStage2(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        AlterTransformer stage1Model, AlterEstimator.Options options)
    {
        Contracts.CheckValue(stage1Model, nameof(stage1Model));
        return new(Env(catalog), options, stage1: false, stage2: true, start: stage1Model);
    }

    private static IHostEnvironment Env(MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog)
    {
        // Before anything that uses ML.NET internals is compiled (see MLNetCompatibility).
        MLNetCompatibility.EnsureCompatible();
        return EnvCore(catalog);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IHostEnvironment EnvCore(MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog)
        => Contracts.CheckRef(catalog, nameof(catalog)).GetEnvironment();

    private static AlterEstimator.Options Simple(string label, string task, string sentence1, string? sentence2, string? baseModel,
        int? stage1Epochs, int? stage2Epochs, int batchSize, IDataView? validationSet, string predictedLabel, string score) => new()
    {
        PredictedLabelColumnName = predictedLabel,
        ScoreColumnName = score,
        LabelColumnName = label,
        TaskColumnName = task,
        Sentence1ColumnName = sentence1,
        Sentence2ColumnName = sentence2,
        BaseModel = baseModel,
        Stage1Epochs = stage1Epochs,
        Stage2Epochs = stage2Epochs,
        BatchSize = batchSize,
        ValidationSet = validationSet,
    };
}
