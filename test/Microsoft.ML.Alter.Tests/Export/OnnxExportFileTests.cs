using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.Alter.Export;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests.Export;

/// <summary>The exported file itself: standard opset, metadata round-trip, subsets of tasks, and clear errors.</summary>
[TestClass]
public sealed class OnnxExportFileTests
{
    [TestMethod]
    public void FileUsesOpset17StandardOperatorsAndDocumentedInputsAndOutputs()
    {
        using var model = ExportFixture.Create(stage2: true);
        var proto = ModelProto.Parser.ParseFrom(AlterOnnxExporter.ExportToBytes(model));
        Assert.AreEqual(1, proto.OpsetImport.Count);
        Assert.AreEqual("", proto.OpsetImport[0].Domain, "standard domain only");
        Assert.AreEqual(17L, proto.OpsetImport[0].Version);
        Assert.IsTrue(proto.Graph.Node.All(n => n.Domain == ""), "no contrib operators");
        CollectionAssert.AreEqual(new[] { "input_ids", "attention_mask", "token_type_ids", "task_id" }, proto.Graph.Input.Select(i => i.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "probabilities", "label" }, proto.Graph.Output.Select(i => i.Name).ToArray());
        Assert.AreEqual(10L, proto.Graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue, "2 + 3 + 3 + 2 labels");
        // Every weight of the model is in the file, stage 2's shared experts and gate included.
        var names = proto.Graph.Initializer.Select(i => i.Name).ToHashSet();
        foreach (var key in model.state_dict().Keys.Where(k => !k.Contains(".selector.", StringComparison.Ordinal) && !k.StartsWith("heads.", StringComparison.Ordinal)))
            Assert.IsTrue(names.Contains(key), $"weight {key} is missing from the graph");
    }

    [TestMethod]
    public void MetadataRoundTripsThroughOnnxRuntime()
    {
        using var model = ExportFixture.Create(stage2: true);
        var path = Path.Combine(TinyBert.TempFolder(), "model.onnx");
        AlterOnnxExporter.Export(model, path);
        using var session = new OnnxRuntime.InferenceSession(path);
        var map = session.ModelMetadata.CustomMetadataMap;
        Assert.AreEqual("1", map["alter.format_version"]);
        Assert.AreEqual("[\"sentiment\",\"topic\",\"question\",\"paraphrase\"]", map["alter.tasks"]);
        Assert.AreEqual("32", map["alter.max_length"]);
        Assert.AreEqual("true", map["alter.lower_case"]);
        Assert.AreEqual("2", map["alter.stage"]);
        Assert.AreEqual(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(TinyBert.Vocabulary))).ToLowerInvariant(), map["alter.vocabulary_sha256"]);

        var metadata = AlterOnnxMetadata.FromProperties(map, path);
        CollectionAssert.AreEqual(ExportFixture.Tasks, metadata.Tasks.ToArray());
        CollectionAssert.AreEqual(new[] { 0, 2, 5, 8 }, metadata.LabelOffsets.ToArray());
        Assert.AreEqual(32, metadata.MaxLength);
        Assert.IsTrue(metadata.LowerCase);
        Assert.AreEqual(TinyBert.Vocabulary, metadata.Vocabulary);
        Assert.AreEqual(10, metadata.Width);
    }

    [TestMethod]
    public void DamagedOrForeignMetadataIsRejectedWithTheKeyNamed()
    {
        using var model = ExportFixture.Create();
        var properties = new Dictionary<string, string>(ModelProto.Parser.ParseFrom(AlterOnnxExporter.ExportToBytes(model)).MetadataProps.ToDictionary(p => p.Key, p => p.Value));
        var tampered = new Dictionary<string, string>(properties) { ["alter.vocabulary"] = properties["alter.vocabulary"] + "extra\n" };
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => AlterOnnxMetadata.FromProperties(tampered, "x.onnx")).Message, "digest");
        properties.Remove("alter.labels");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => AlterOnnxMetadata.FromProperties(properties, "x.onnx")).Message, "alter.labels");
    }

    [TestMethod]
    public void SubsetOfTasksServesThemInTheGivenOrderAndLeavesOutUnweightedExperts()
    {
        using var model = ExportFixture.Create(stage2: true);
        // Expert 4 gets weight exactly 0 (softmax underflows) for topic and sentiment in every mixture, not for the others.
        using (no_grad())
            foreach (var mixture in model.Mixtures)
                foreach (var task in new[] { 0, 1 })
                    mixture.Selector.LogitsOf(task)[4] = tensor(-100f);
        var full = ModelProto.Parser.ParseFrom(AlterOnnxExporter.ExportToBytes(model));
        var bytes = AlterOnnxExporter.ExportToBytes(model, new AlterOnnxExportOptions { Tasks = new[] { "topic", "sentiment" } });
        var subset = ModelProto.Parser.ParseFrom(bytes);
        Assert.IsTrue(full.Graph.Initializer.Any(i => i.Name.Contains("mta.experts.4.", StringComparison.Ordinal)));
        Assert.IsFalse(subset.Graph.Initializer.Any(i => i.Name.Contains("mta.experts.4.", StringComparison.Ordinal)), "expert 4 has weight 0 for both tasks");
        Assert.IsTrue(subset.Graph.Initializer.Any(i => i.Name.Contains("mta.experts.3.", StringComparison.Ordinal)));
        Assert.IsTrue(bytes.Length < full.CalculateSize());

        var rows = ExportFixture.Rows().Where(r => r.Task is "topic" or "sentiment").ToList();
        var encoded = EncodedRows.FromInputs(model, rows);
        var expected = AlterPredictor.Predict(model, encoded, batchSize: 64);
        using var session = ExportFixture.Session(bytes);
        // In the file, topic is task 0 (labels 0..2) and sentiment task 1 (labels 3..4).
        var fileTasks = encoded.Tasks.Select(t => t == 1 ? 0 : 1).ToArray();
        var (probabilities, labels) = OnnxExportParityTests.Run(session, encoded.Inputs, fileTasks, model.Tokenizer.PaddingId);
        var worst = 0f;
        for (var r = 0; r < rows.Count; r++)
        {
            var offset = fileTasks[r] == 0 ? 0 : 3;
            for (var local = 0; local < expected[r].Probabilities.Length; local++)
                worst = Math.Max(worst, Math.Abs(probabilities[r * 5 + offset + local] - expected[r].Probabilities[local]));
            Assert.AreEqual(expected[r].PredictedLabel, (int)labels[r]);
        }
        Assert.IsTrue(worst <= 1e-4f, $"max abs difference {worst}");
        var map = session.ModelMetadata.CustomMetadataMap;
        Assert.AreEqual("[\"topic\",\"sentiment\"]", map["alter.tasks"]);
        Assert.AreEqual("{\"topic\":0,\"sentiment\":3}", map["alter.label_offsets"]);
    }

    [TestMethod]
    public void BadInputGivesClearErrors()
    {
        var model = ExportFixture.Create();
        var unknown = Assert.ThrowsExactly<ArgumentException>(() => AlterOnnxExporter.ExportToBytes(model, new AlterOnnxExportOptions { Tasks = new[] { "topic", "spam" } }));
        StringAssert.Contains(unknown.Message, "'spam'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => AlterOnnxExporter.ExportToBytes(model, new AlterOnnxExportOptions { Tasks = new[] { "topic", "topic" } })).Message, "twice");

        var folder = TinyBert.TempFolder();
        var missing = Path.Combine(folder, "no-such-folder", "model.onnx");
        var io = Assert.ThrowsExactly<IOException>(() => AlterOnnxExporter.Export(model, missing));
        StringAssert.Contains(io.Message, missing);
        // A folder where the file should go.
        var io2 = Assert.ThrowsExactly<IOException>(() => AlterOnnxExporter.Export(model, folder));
        StringAssert.Contains(io2.Message, folder);
        Assert.AreEqual(0, Directory.GetFiles(folder).Length, "no temporary file is left behind");

        model.Dispose();
        StringAssert.Contains(Assert.ThrowsExactly<ObjectDisposedException>(() => AlterOnnxExporter.ExportToBytes(model)).Message, "disposed");
    }
}
