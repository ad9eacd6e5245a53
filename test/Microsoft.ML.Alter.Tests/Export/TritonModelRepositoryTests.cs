using System.Text.RegularExpressions;
using Microsoft.ML.Alter.Export;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Microsoft.ML.Alter.Tests.Export;

/// <summary>The Triton model repository entry: its config.pbtxt must describe the ONNX graph it ships.</summary>
[TestClass]
public sealed class TritonModelRepositoryTests
{
    [TestMethod]
    public void ConfigNamesTypesAndShapesMatchTheGraph()
    {
        using var model = ExportFixture.Create(stage2: true);
        var folder = TritonModelRepository.Write(model, TinyBert.TempFolder(), "alter", maxBatchSize: 16);
        var config = File.ReadAllText(Path.Combine(folder, "config.pbtxt"));
        Assert.AreEqual(TinyBert.Vocabulary, File.ReadAllText(Path.Combine(folder, "vocab.txt")));
        StringAssert.Contains(config, "backend: \"onnxruntime\"");
        StringAssert.Contains(config, "max_batch_size: 16");
        using var session = new InferenceSession(Path.Combine(folder, "1", "model.onnx"));

        void Check(string section, IReadOnlyDictionary<string, NodeMetadata> graph)
        {
            var block = Regex.Match(config, section + @" \[\n(.*?)\n\]", RegexOptions.Singleline).Groups[1].Value;
            var tensors = Regex.Matches(block, @"\{\s*name: ""(\w+)""\s*data_type: (\w+)\s*dims: \[([^\]]*)\](\s*reshape: \{ shape: \[([^\]]*)\] \})?\s*\}");
            CollectionAssert.AreEquivalent(graph.Keys.ToArray(), tensors.Select(m => m.Groups[1].Value).ToArray(), section);
            foreach (Match m in tensors)
            {
                var node = graph[m.Groups[1].Value];
                var type = node.ElementDataType == TensorElementType.Int64 ? "TYPE_INT64" : node.ElementDataType == TensorElementType.Float ? "TYPE_FP32" : "?";
                Assert.AreEqual(type, m.Groups[2].Value, $"{m.Groups[1].Value}: data type");
                Assert.AreEqual(-1, node.Dimensions[0], $"{m.Groups[1].Value}: the graph's first axis is the batch Triton adds");
                // The shape Triton hands the graph per row: the reshape when there is one, else dims.
                var perRow = m.Groups[4].Success ? m.Groups[5].Value : m.Groups[3].Value;
                var dims = perRow.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
                CollectionAssert.AreEqual(node.Dimensions.Skip(1).ToArray(), dims, $"{m.Groups[1].Value}: shape after the batch axis");
                if (m.Groups[4].Success)
                    Assert.AreEqual("1", m.Groups[3].Value.Trim(), $"{m.Groups[1].Value}: a per-row scalar is declared as [1]");
            }
        }
        Check("input", session.InputMetadata);
        Check("output", session.OutputMetadata);
    }
}
