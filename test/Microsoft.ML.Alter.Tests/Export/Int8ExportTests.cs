using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Export;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Serving;
using Onnx;

namespace Microsoft.ML.Alter.Tests.Export;

/// <summary>
/// The int8 export (<see cref="OnnxQuantization.DynamicInt8"/>): every linear layer and the word table stored as int8,
/// run by ONNX Runtime with its graph optimizations, close to the float32 model, a quarter of its size, and labelled as
/// such in its metadata.
/// </summary>
[TestClass]
public sealed class Int8ExportTests
{
    private static readonly AlterOnnxExportOptions Int8 = new() { Quantization = OnnxQuantization.DynamicInt8 };

    [TestMethod]
    public void LinearLayersAndWordTableAreInt8AndTheFileIsAQuarterOfFloat32()
    {
        using var model = ExportFixture.Create(ExpertKind.FeedForwardCopy, stage2: true, pretrained: MiniLmFixture.Checkpoint, noise: 0.01);
        var float32 = AlterOnnxExporter.ExportToBytes(model);
        var int8 = AlterOnnxExporter.ExportToBytes(model, Int8);
        var graph = ModelProto.Parser.ParseFrom(int8).Graph;

        // Float matrices left: only the small position and token-type tables, and the heads, which decide the label.
        var floatMatrices = graph.Initializer.Where(i => i.DataType == (int)TensorProto.Types.DataType.Float && i.Name.EndsWith(".weight", StringComparison.Ordinal) && i.Dims.Count == 2)
            .Select(i => i.Name).ToList();
        CollectionAssert.AreEquivalent(new[] { "bert.embeddings.position_embeddings.weight", "bert.embeddings.token_type_embeddings.weight", "heads.weight" },
            floatMatrices, string.Join(", ", floatMatrices));
        // One integer matmul per linear layer: 4 per attention + 2 per encoder FFN (6 layers), 2 per expert and shared
        // expert of the 2 MTA layers, 2 for each gate.
        var linear = model.named_parameters().Count(p => p.name.EndsWith(".weight", StringComparison.Ordinal) && p.parameter.dim() == 2
            && !p.name.Contains("embeddings", StringComparison.Ordinal) && p.name != "heads.weight" && !p.name.StartsWith("heads.", StringComparison.Ordinal));
        Assert.AreEqual(linear, graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.IsFalse(graph.Node.Any(n => n.Domain.Length > 0), "standard operators only");
        var ratio = (double)int8.Length / float32.Length;
        Console.WriteLine($"float32 {float32.Length / 1e6:F1} MB, int8 {int8.Length / 1e6:F1} MB ({ratio:P0}), {linear} int8 linear layers");
        Assert.IsTrue(ratio < 0.3, $"int8 file is {ratio:P0} of float32");
    }

    [TestMethod]
    public void ProbabilitiesStayCloseToFloat32AndLabelsAgree()
    {
        using var model = ExportFixture.Create(ExpertKind.FeedForwardCopy, stage2: true, pretrained: MiniLmFixture.Checkpoint, noise: 0.01);
        var rows = ExportFixture.Rows();
        rows.Add(new TaskInput("sentiment", "A gorgeous, witty, seductive movie."));
        rows.Add(new TaskInput("paraphrase", "A man is playing a guitar.", "Someone plays an instrument."));
        var expected = AlterPredictor.Predict(model, rows, batchSize: 8);
        using var predictor = OnnxRuntimePredictor.FromModel(model, export: Int8);
        var actual = predictor.Predict(rows, batchSize: 8);

        const float tolerance = 0.03f;
        var worst = 0f;
        var decided = 0;
        for (var r = 0; r < rows.Count; r++)
        {
            for (var i = 0; i < expected[r].Probabilities.Length; i++)
                worst = Math.Max(worst, Math.Abs(expected[r].Probabilities[i] - actual[r].Probabilities[i]));
            // Where float32's two best labels are further apart than the error can move them, int8 must pick the same label.
            var top = expected[r].Probabilities.OrderDescending().Take(2).ToArray();
            if (top[0] - top[1] > 2 * tolerance)
            {
                decided++;
                Assert.AreEqual(expected[r].PredictedLabel, actual[r].PredictedLabel, $"row {r}: float32 margin {top[0] - top[1]:F3}, yet int8 picks another label");
            }
        }
        Console.WriteLine($"int8 vs float32 TorchSharp over {rows.Count} rows: max |diff| {worst:E2}; {decided} rows with a clear label agree");
        Assert.IsTrue(worst is > 0f and <= tolerance, $"max abs difference {worst}: int8 is not exact, and must stay within {tolerance}");
        Assert.IsTrue(decided >= rows.Count / 2, $"only {decided} rows have a clear label: the check says little");
    }

    [TestMethod]
    public void RoutedStage1TinyModelRunsAndMetadataSaysInt8()
    {
        using var model = ExportFixture.Create(ExpertKind.Bottleneck, expertsPerTask: 2);
        var path = Path.Combine(TinyBert.TempFolder(), "int8.onnx");
        try
        {
            AlterOnnxExporter.Export(model, path, Int8);
            using var predictor = OnnxRuntimePredictor.Load(path);
            Assert.AreEqual(OnnxQuantization.DynamicInt8, predictor.Metadata.Quantization);
            var rows = ExportFixture.Rows();
            var predictions = predictor.Predict(rows);
            Assert.AreEqual(rows.Count, predictions.Length);
            Assert.IsTrue(predictions.All(p => p.Probabilities.All(float.IsFinite) && Math.Abs(p.Probabilities.Sum() - 1f) < 1e-4f));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void MetadataWithoutTheKeyIsFloat32AndAnUnknownValueIsRejected()
    {
        using var model = ExportFixture.Create();
        var properties = MetadataOf(model);
        Assert.AreEqual("none", properties[AlterOnnxMetadata.Keys.Quantization]);
        properties.Remove(AlterOnnxMetadata.Keys.Quantization);
        Assert.AreEqual(OnnxQuantization.None, AlterOnnxMetadata.FromProperties(properties, "old.onnx").Quantization);
        properties[AlterOnnxMetadata.Keys.Quantization] = "int4";
        var e = Assert.ThrowsExactly<InvalidDataException>(() => AlterOnnxMetadata.FromProperties(properties, "odd.onnx"));
        StringAssert.Contains(e.Message, "alter.quantization");
    }

    [TestMethod]
    public void TokenizerVersionTravelsInTheMetadataAndOlderFilesReadAsVersion1()
    {
        using var model = ExportFixture.Create();
        var properties = MetadataOf(model);
        Assert.AreEqual("2", properties[AlterOnnxMetadata.Keys.TokenizerVersion]);
        Assert.AreEqual(2, AlterOnnxMetadata.FromProperties(properties, "new.onnx").TokenizerVersion);
        properties.Remove(AlterOnnxMetadata.Keys.TokenizerVersion);
        Assert.AreEqual(1, AlterOnnxMetadata.FromProperties(properties, "old.onnx").TokenizerVersion);
    }

    private static Dictionary<string, string> MetadataOf(AlterModel model)
        => ModelProto.Parser.ParseFrom(AlterOnnxExporter.ExportToBytes(model)).MetadataProps.ToDictionary(p => p.Key, p => p.Value);
}
