namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>Trained stage-1 weights (an <see cref="Checkpoints.AlterModelStore"/> stream) and how their training went.</summary>
internal sealed record SavedStage1(byte[] Model, StageSummary Summary);

/// <summary>What alter-s1.stage1.json holds: the stage-1 summary and the plan and rows it was trained with.</summary>
internal sealed record SavedStage1Info(SuitePlan Plan, IReadOnlyList<TaskInfo> Tasks, StageSummary Summary);

/// <summary>
/// The model files that carry ALTER between the parts of a split run, in the --out folder: alter-s1.alter with
/// alter-s1.stage1.json (the default stage 1, for a later `stage2-ablations` part given --stage1) and alter.alter (the
/// default stages 1+2 model, for a later `scoring` part given --served). A part reading them checks that they were
/// trained on the same plan and rows, so stage 2 never starts from another run's stage 1 unnoticed.
/// </summary>
internal sealed class PartModels(string folder, SuitePlan plan, IReadOnlyList<TaskInfo> tasks)
{
    public const string Stage1File = "alter-s1.alter";
    public const string ProductFile = "alter.alter";

    public void Save(SavedStage1 stage1)
    {
        var path = Write(Stage1File, stage1.Model);
        ResultsFile.WriteFile(InfoPath(path), new SavedStage1Info(plan, tasks, stage1.Summary));
    }

    public void SaveProduct(byte[] model) => Write(ProductFile, model);

    /// <summary>A stage 1 saved by an earlier part; refuses one trained on another plan or other rows.</summary>
    public SavedStage1 LoadStage1(string file)
    {
        var infoPath = InfoPath(file);
        if (!File.Exists(file) || !File.Exists(infoPath))
            throw new FileNotFoundException($"--stage1: '{file}' and '{infoPath}' must both exist (an `alter` part writes them to its --out folder).", file);
        var info = ResultsFile.Read<SavedStage1Info>(infoPath);
        if (info.Plan with { Mode = plan.Mode } != plan || !info.Tasks.SequenceEqual(tasks))
            throw new InvalidDataException($"--stage1: '{file}' was trained with other tasks, rows or epochs ({info.Plan}) than this run ({plan}).");
        return new SavedStage1(File.ReadAllBytes(file), info.Summary);
    }

    private string Write(string name, byte[] bytes)
    {
        Directory.CreateDirectory(folder);
        var path = Path.GetFullPath(Path.Combine(folder, name));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string InfoPath(string modelFile) => Path.ChangeExtension(modelFile, ".stage1.json");
}
