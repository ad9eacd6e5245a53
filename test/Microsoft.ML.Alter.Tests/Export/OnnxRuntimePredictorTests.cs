using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Export;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Serving;

namespace Microsoft.ML.Alter.Tests.Export;

/// <summary>The core ONNX Runtime predictor serves an exported file alone (tokenizer from its metadata) as the TorchSharp predictor.</summary>
[TestClass]
public sealed class OnnxRuntimePredictorTests
{
    [TestMethod]
    public void FileAloneScoresAsTheTorchSharpPredictorAtBatch32And1()
    {
        using var model = ExportFixture.Create(stage2: true);
        var path = Path.Combine(TinyBert.TempFolder(), "model.onnx");
        AlterOnnxExporter.Export(model, path);
        var rows = ExportFixture.Rows();
        var expected = AlterPredictor.Predict(model, rows);
        using var predictor = OnnxRuntimePredictor.Load(path);
        foreach (var batchSize in new[] { 32, 1 })
        {
            var worst = OnnxExportParityTests.MaxDifference(expected, predictor.Predict(rows, batchSize));
            Console.WriteLine($"batch {batchSize}: max |onnx - torch| = {worst:E2}");
            Assert.IsTrue(worst <= 1e-4f, $"batch {batchSize}: max abs difference {worst}");
        }
    }

    [TestMethod]
    public void BadInputGivesClearErrors()
    {
        using var model = ExportFixture.Create();
        using var predictor = OnnxRuntimePredictor.FromModel(model, export: new AlterOnnxExportOptions { Tasks = new[] { "topic" } });
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => predictor.Predict(new[] { new TaskInput("sentiment", "the film was good") })).Message, "'sentiment'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => predictor.Predict(new[] { new TaskInput("topic", " ") })).Message, "empty");
        var missing = Path.Combine(TinyBert.TempFolder(), "none.onnx");
        StringAssert.Contains(Assert.ThrowsExactly<FileNotFoundException>(() => OnnxRuntimePredictor.Load(missing)).Message, missing);
        // An ONNX file that is not an ALTER export: the missing metadata key is named.
        var foreign = Path.Combine(TinyBert.TempFolder(), "minilm.onnx");
        File.WriteAllBytes(foreign, Microsoft.ML.Alter.Build.MiniLmExport.OnnxPackageResources.ReadModel());
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => OnnxRuntimePredictor.Load(foreign)).Message, "alter.");
    }

    [TestMethod]
    public void FourThreadsGiveTheSequentialResults()
    {
        using var model = ExportFixture.Create(stage2: true);
        using var predictor = OnnxRuntimePredictor.FromModel(model);
        var rows = ExportFixture.Rows();
        var expected = predictor.Predict(rows, batchSize: 1);
        var threads = Enumerable.Range(0, 4).Select(_ => Task.Run(() => rows.Select(r => predictor.Predict(new[] { r }, 1)[0]).ToArray())).ToArray();
        Task.WaitAll(threads);
        foreach (var thread in threads)
            Assert.AreEqual(0f, OnnxExportParityTests.MaxDifference(expected, thread.Result), "concurrent scoring differs from sequential");
    }

    [TestMethod]
    public void DisposeWhileThreadsScoreWaitsForThemAndLaterCallsSayDisposed()
    {
        using var model = ExportFixture.Create();
        var predictor = OnnxRuntimePredictor.FromModel(model);
        var rows = ExportFixture.Rows();
        var expected = predictor.Predict(rows, batchSize: 4);
        using var started = new CountdownEvent(4);
        // Each thread scores until the predictor is disposed: every call either completes with the right result or
        // throws ObjectDisposedException; none sees a freed session (which would crash the process or give other numbers).
        var threads = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            started.Signal();
            var completed = 0;
            while (true)
            {
                try
                {
                    var actual = predictor.Predict(rows, batchSize: 4);
                    Assert.AreEqual(0f, OnnxExportParityTests.MaxDifference(expected, actual));
                    completed++;
                }
                catch (ObjectDisposedException e)
                {
                    StringAssert.Contains(e.ObjectName, nameof(OnnxRuntimePredictor));
                    return completed;
                }
            }
        })).ToArray();
        started.Wait();
        Thread.Sleep(200);
        predictor.Dispose();
        Assert.IsTrue(Task.WaitAll(threads, TimeSpan.FromMinutes(2)), "every scoring thread ends after Dispose");
        Assert.IsTrue(threads.Sum(t => t.Result) > 0, "the threads scored before Dispose");
        Assert.ThrowsExactly<ObjectDisposedException>(() => predictor.Predict(rows));
        predictor.Dispose();
    }
}
