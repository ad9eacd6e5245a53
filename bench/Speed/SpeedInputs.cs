using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Bench.Speed;

/// <summary>
/// The model and sentences the scoring measurements run on. Speed and memory do not depend on what the weights are, so an
/// untrained model (default options, one task per data folder, over the embedded MiniLM) costs exactly what a trained
/// one does and takes seconds instead of an hour to get.
/// </summary>
public static class SpeedInputs
{
    /// <summary>
    /// A fresh model for every task folder of <paramref name="dataFolder"/> (labels from their train splits) with
    /// <paramref name="mta"/> over the embedded MiniLM, with stage 2's <paramref name="sharedExperts"/> when above 0.
    /// </summary>
    public static AlterModel Model(string dataFolder, MtaOptions? mta = null, int sharedExperts = 0, int seed = 42)
    {
        using var pretrained = PretrainedCheckpoint.Load(null);
        var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(TaskFolder.Read(dataFolder, "train")), mta ?? new MtaOptions(), seed: seed);
        if (sharedExperts > 0)
            model.AddStage2(sharedExperts);
        return model;
    }

    /// <summary>A saved model when <paramref name="modelPath"/> is given, else <see cref="Model(string, MtaOptions?, int, int)"/>'s default.</summary>
    public static AlterModel Model(string dataFolder, string? modelPath)
        => string.IsNullOrEmpty(modelPath) ? Model(dataFolder) : AlterModelStore.Load(modelPath);

    /// <summary>The rows of one split of one task as scoring inputs (labels dropped), at most <paramref name="limit"/> of them.</summary>
    public static List<TaskInput> Sentences(string dataFolder, string task = "sst2", string split = "test", int? limit = null)
        => TaskFolder.Read(dataFolder, split, new[] { task })
            .Take(limit ?? int.MaxValue)
            .Select(r => new TaskInput(r.Task, r.Text, r.Text2))
            .ToList();
}
