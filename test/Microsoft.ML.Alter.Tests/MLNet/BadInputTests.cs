using System.IO.Compression;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;
using TorchSharp;

namespace Microsoft.ML.Alter.Tests.MLNet;

[TestClass]
public sealed class BadInputTests
{
    private sealed class NumericTaskRow
    {
        public float Task { get; set; }
        public string Sentence1 { get; set; } = "";
        public string Sentence2 { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private sealed class NoTaskRow
    {
        public string Sentence1 { get; set; } = "";
        public string Sentence2 { get; set; } = "";
        public string Label { get; set; } = "";
    }

    private static Exception Fit(MLContext ml, IEnumerable<TextRow> rows, AlterEstimator.Options? options = null)
        => Assert.Throws<Exception>(() => MLNetFixture.Pipeline(ml, ml.MulticlassClassification.Trainers.Alter(options ?? MLNetFixture.Options())).Fit(ml.Data.LoadFromEnumerable(rows)));

    [TestMethod]
    public void MissingOrWronglyTypedColumnsAreNamed()
    {
        var ml = new MLContext(seed: 1);
        var trainer = ml.MulticlassClassification.Trainers.Alter(MLNetFixture.Options());
        var noTask = ml.Data.LoadFromEnumerable(MLNetFixture.Train.Select(r => new NoTaskRow { Sentence1 = r.Sentence1, Label = r.Label }));
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(noTask));
        StringAssert.Contains(missing.Message, "task column 'Task'");

        var numeric = ml.Data.LoadFromEnumerable(MLNetFixture.Train.Select(r => new NumericTaskRow { Task = 1, Sentence1 = r.Sentence1, Label = r.Label }));
        var wrongType = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(numeric));
        StringAssert.Contains(wrongType.Message, "'Task'");
        StringAssert.Contains(wrongType.Message, "String");

        // The label must be a key: forgetting MapValueToKey says so.
        var notKey = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(ml.Data.LoadFromEnumerable(MLNetFixture.Train)));
        StringAssert.Contains(notKey.Message, "label column 'Label'");
        StringAssert.Contains(notKey.Message, "MapValueToKey");
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(SchemaShape.Create(ml.Data.LoadFromEnumerable(MLNetFixture.Train).Schema)));

        // Scoring data without a text column fails at Transform and at PredictionEngine creation, naming it.
        var scoringMissing = Assert.Throws<ArgumentOutOfRangeException>(() => MLNetFixture.Alter.Transform(noTask));
        StringAssert.Contains(scoringMissing.Message, "'Task'");
        var engineMissing = Assert.Throws<ArgumentOutOfRangeException>(() => MLNetFixture.Context.Model.CreatePredictionEngine<NoTaskRow, ScoredRow>(MLNetFixture.Model));
        StringAssert.Contains(engineMissing.Message, "'Task'");
    }

    /// <summary>
    /// With <c>BadRows = Throw</c> (the default skips such rows and scores them as missing since the bad-row policy:
    /// Reliability/BadRowTests), empty texts and tasks fail naming row and column.
    /// </summary>
    [TestMethod]
    public void EmptyTextsAndTasksAreNamedByRowAndColumnWhenBadRowsThrow()
    {
        var ml = new MLContext(seed: 1);
        var strictOptions = MLNetFixture.Options();
        strictOptions.BadRows = BadRowHandling.Throw;
        var rows = MLNetFixture.Train.Select(r => new TextRow { Task = r.Task, Sentence1 = r.Sentence1, Sentence2 = r.Sentence2, Label = r.Label }).ToList();
        rows[5].Sentence1 = " ";
        var training = Fit(ml, rows, strictOptions);
        StringAssert.Contains(training.Message, "training row 5");
        StringAssert.Contains(training.Message, "'Sentence1' is empty");
        rows[5].Sentence1 = "the movie was good";
        rows[7].Task = "";
        StringAssert.Contains(Fit(ml, rows, strictOptions).Message, "training row 7: the task column 'Task' is empty");

        var test = MLNetFixture.Test.Select(r => new TextRow { Task = r.Task, Sentence1 = r.Sentence1, Sentence2 = r.Sentence2, Label = r.Label }).ToList();
        test[40].Sentence1 = "";
        var parts = MLNetFixture.Parts(MLNetFixture.Model).ToArray();
        var strict = new TransformerChain<ITransformer>(parts[0], MLNetFixture.Alter.WithScoringOptions(badRows: BadRowHandling.Throw), parts[2]);
        var scoring = Assert.Throws<InvalidOperationException>(() =>
            MLNetFixture.Context.Data.CreateEnumerable<ScoredRow>(strict.Transform(MLNetFixture.Context.Data.LoadFromEnumerable(test)), false).ToList());
        // Downstream ML.NET transforms may read through worker threads, which wrap the scorer's exception.
        StringAssert.Contains(Innermost(scoring).Message, $"Row 40 (task '{test[40].Task}'): the text column 'Sentence1' is empty");
        var engine = MLNetFixture.Context.Model.CreatePredictionEngine<TextRow, ScoredRow>(strict);
        StringAssert.Contains(Assert.Throws<InvalidOperationException>(() => engine.Predict(test[40])).Message, "'Sentence1' is empty");
    }

    /// <summary>Since the bad-row policy an unknown task scores as missing by default (it threw before); Throw is an option.</summary>
    [TestMethod]
    public void AnUnknownTaskScoresAsMissingByDefaultOrThrowsWhenAskedTo()
    {
        var ml = MLNetFixture.Context;
        var test = MLNetFixture.Test.Take(10).Select(r => new TextRow { Task = r.Task, Sentence1 = r.Sentence1, Sentence2 = r.Sentence2, Label = r.Label }).ToList();
        test[3].Task = "weather";
        var keyed = MLNetFixture.Keyed(test);

        var strict = MLNetFixture.Alter.WithScoringOptions(UnknownTaskHandling.Throw);
        var unknown = Assert.Throws<InvalidOperationException>(() => strict.Transform(keyed).GetColumn<uint>("PredictedLabel").ToList());
        StringAssert.Contains(unknown.Message, "Row 3: task 'weather'");
        StringAssert.Contains(unknown.Message, "'sentiment'");

        var scored = MLNetFixture.Alter.Transform(keyed);
        var labels = scored.GetColumn<uint>("PredictedLabel").ToList();
        var scores = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToList();
        Assert.AreEqual(0u, labels[3], "missing key");
        Assert.IsTrue(scores[3].All(float.IsNaN));
        Assert.IsTrue(labels.Where((_, i) => i != 3).All(l => l > 0));
        Assert.AreEqual(1.0, scores[4].Sum(), 1e-5);
    }

    [TestMethod]
    public void DamagedTruncatedOrForeignZipsFailToLoadClearly()
    {
        var ml = MLNetFixture.Context;
        var folder = TinyBert.TempFolder();
        var good = Path.Combine(folder, "model.zip");
        var schema = ml.Data.LoadFromEnumerable(MLNetFixture.Test).Schema;
        ml.Model.Save(MLNetFixture.Model, schema, good);
        var bytes = File.ReadAllBytes(good);

        var truncated = Path.Combine(folder, "truncated.zip");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var truncatedError = Assert.Throws<Exception>(() => ml.Model.Load(truncated, out _));
        Report("truncated", truncatedError);
        StringAssert.Contains(truncatedError.Message, "zip");

        // Flip a byte in the middle of the ALTER entry's content and store it back in a valid zip, so the damage is in
        // the model bytes themselves (not in the zip's structure) whatever the file's layout: the weight digest catches it.
        var corrupted = Path.Combine(folder, "corrupted.zip");
        File.Copy(good, corrupted);
        using (var archive = ZipFile.Open(corrupted, ZipArchiveMode.Update))
        {
            var entry = archive.Entries.Single(e => e.FullName.EndsWith("/" + AlterTransformer.ModelStreamName, StringComparison.Ordinal));
            var name = entry.FullName;
            byte[] content;
            using (var input = entry.Open())
            using (var copy = new MemoryStream())
            {
                input.CopyTo(copy);
                content = copy.ToArray();
            }
            content[content.Length / 2] ^= 0x5A;
            entry.Delete();
            using var output = archive.CreateEntry(name).Open();
            output.Write(content);
        }
        var corruptedError = Assert.Throws<Exception>(() => ml.Model.Load(corrupted, out _));
        Report("corrupted", corruptedError);
        // ML.NET calls loaders through reflection, so the loader's own exception is the inner one.
        Assert.IsInstanceOfType<InvalidDataException>(Innermost(corruptedError));
        StringAssert.Contains(Innermost(corruptedError).Message, "damaged");
        StringAssert.Contains(Innermost(corruptedError).Message, AlterTransformer.ModelStreamName);

        // The core's own model file is not an ML.NET model.
        var coreFile = Path.Combine(folder, "core.alter");
        AlterModelStore.Save(MLNetFixture.Alter.Model, coreFile);
        var foreignError = Assert.Throws<Exception>(() => ml.Model.Load(coreFile, out _));
        Report("core model file", foreignError);
        StringAssert.Contains(Innermost(foreignError).Message, "Model.key");
        Assert.AreEqual(bytes.Length, new FileInfo(good).Length, "the good file is untouched");
    }

    [TestMethod]
    public void SavingToAnUnwritablePathFailsNamingItAndWritesNothing()
    {
        var ml = MLNetFixture.Context;
        var schema = ml.Data.LoadFromEnumerable(MLNetFixture.Test).Schema;
        var folder = TinyBert.TempFolder();
        var noFolder = Path.Combine(folder, "missing", "model.zip");
        var error = Assert.Throws<IOException>(() => ml.Model.Save(MLNetFixture.Model, schema, noFolder));
        StringAssert.Contains(error.Message, noFolder);
        Assert.IsFalse(File.Exists(noFolder));
        // A path that is a directory.
        Assert.Throws<UnauthorizedAccessException>(() => ml.Model.Save(MLNetFixture.Model, schema, folder));
        Assert.AreEqual(0, Directory.GetFileSystemEntries(folder).Length, "nothing written");
    }

    [TestMethod]
    public void CancellationThroughTheContextStopsTraining()
    {
        var ml = new MLContext(seed: 1);
        var options = MLNetFixture.Options();
        options.LogEverySteps = 1;
        var steps = 0;
        ml.Log += (_, e) =>
        {
            if (e.RawMessage.StartsWith("stage 1 epoch 1/2 step", StringComparison.Ordinal) && ++steps == 2)
                ml.CancelExecution();
        };
        var error = Fit(ml, MLNetFixture.Train, options);
        Assert.IsInstanceOfType<OperationCanceledException>(error);
        Assert.AreEqual(2, steps, "stopped at the next step");
    }

    [TestMethod]
    public void GpuSettingsAreHonouredAsByMLNetTorchSharpTrainers()
    {
        if (torch.cuda.is_available())
            Assert.Inconclusive("CUDA is available here: this test covers the fallback rules on a CPU-only machine.");
        Assert.AreEqual(torch.CPU.type, DeviceSelection.Resolve(new MLContext()).type);
        Assert.AreEqual(torch.CPU.type, DeviceSelection.Resolve(new MLContext { GpuDeviceId = 0, FallbackToCpu = true }).type);
        var ml = new MLContext(seed: 1) { GpuDeviceId = 0, FallbackToCpu = false };
        var error = Fit(ml, MLNetFixture.Train);
        StringAssert.Contains(error.Message, "FallbackToCpu");
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    private static void Report(string what, Exception e)
    {
        Console.WriteLine($"{what}: {e.GetType().Name}: {e.Message}" + (e.InnerException is null ? "" : $" <- {Innermost(e).GetType().Name}: {Innermost(e).Message}"));
        Assert.IsFalse(string.IsNullOrWhiteSpace(e.Message));
    }
}
