using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Tests.MLNet;

namespace Microsoft.ML.Alter.Tests.Reliability;

/// <summary>Finding 3: a save that fails must not destroy the model file it would have replaced.</summary>
[TestClass]
public sealed class FailedSaveTests
{
    [TestMethod]
    public void AFailedCoreSaveLeavesTheExistingFileAsItWas()
    {
        var folder = TinyBert.TempFolder();
        var path = Path.Combine(folder, "model.alter");
        var model = FreshModels.Alter(FreshModels.Pipeline(new MLContext(seed: 1))).Model;
        AlterModelStore.Save(model, path);
        var good = File.ReadAllBytes(path);
        model.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => AlterModelStore.Save(model, path));
        CollectionAssert.AreEqual(good, File.ReadAllBytes(path), "the good model is untouched");
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(folder), "no temporary file is left behind");
        using var reloaded = AlterModelStore.Load(path);
        Assert.AreEqual(MLNetFixture.Alter.TaskNames.Count, reloaded.Tasks.Count);
    }

    /// <summary>
    /// <c>mlContext.Model.Save(model, schema, path)</c> is ML.NET's: it creates (truncates) the file before asking any
    /// transformer to save, so no transformer can keep a failed save from replacing the file. What this library can do is
    /// fail before writing anything of its own; the README's reliability section says to save to a temporary path (or a
    /// stream) and move it into place, which this test shows keeps the good model.
    /// </summary>
    [TestMethod]
    public void AFailedMLNetSaveToAPathIsDocumentedAndTheTemporaryFilePatternKeepsTheGoodModel()
    {
        var ml = new MLContext(seed: 1);
        var folder = TinyBert.TempFolder();
        var path = Path.Combine(folder, "model.zip");
        var schema = ml.Data.LoadFromEnumerable(MLNetFixture.Test).Schema;
        var pipeline = FreshModels.Pipeline(ml);
        ml.Model.Save(pipeline, schema, path);
        var good = File.ReadAllBytes(path);
        FreshModels.Alter(pipeline).Dispose();

        // The documented pattern: write beside the target, move into place only when the save succeeded.
        var temporary = path + ".tmp";
        var error = Assert.Throws<Exception>(() =>
        {
            ml.Model.Save(pipeline, schema, temporary);
            File.Move(temporary, path, overwrite: true);
        });
        Assert.IsInstanceOfType<ObjectDisposedException>(FreshModels.Innermost(error));
        CollectionAssert.AreEqual(good, File.ReadAllBytes(path), "the good model is untouched");
        File.Delete(temporary);

        // Saving straight over the file: ML.NET has already truncated it when the ALTER transformer refuses, so the file
        // no longer holds the model; it fails to load clearly rather than loading as something else.
        Assert.Throws<Exception>(() => ml.Model.Save(pipeline, schema, path));
        Assert.IsTrue(new FileInfo(path).Length < good.Length);
        Assert.Throws<Exception>(() => ml.Model.Load(path, out _));
    }
}
