using Microsoft.ML.Alter.Export;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.Alter.Training;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Alter.Tests.Export;

/// <summary>
/// The exported ONNX graph, run by ONNX Runtime with every graph optimization, must give the TorchSharp model's
/// probabilities (max |diff| ≤ 1e-4) for every task, in padded batches of mixed tasks and row by row, stage 1 and 2.
/// </summary>
[TestClass]
public sealed class OnnxExportParityTests
{
    private const float Tolerance = 1e-4f;

    [TestMethod]
    [DataRow(ExpertKind.FeedForwardCopy, false, PoolingKind.Mean, 0, DisplayName = "copy experts, stage 1, mean pooling")]
    [DataRow(ExpertKind.FeedForwardCopy, true, PoolingKind.Mean, 0, DisplayName = "copy experts, stage 2, mean pooling")]
    [DataRow(ExpertKind.Bottleneck, false, PoolingKind.Cls, 0, DisplayName = "adapters, stage 1, CLS pooling")]
    [DataRow(ExpertKind.Bottleneck, true, PoolingKind.Mean, 0, DisplayName = "adapters, stage 2, mean pooling")]
    [DataRow(ExpertKind.FeedForwardCopy, false, PoolingKind.Mean, 2, DisplayName = "copy experts routed top-2, stage 1")]
    [DataRow(ExpertKind.FeedForwardCopy, true, PoolingKind.Mean, 1, DisplayName = "copy experts routed top-1, stage 2")]
    public void PaddedMixedBatchMatchesTorchSharp(ExpertKind kind, bool stage2, PoolingKind pooling, int expertsPerTask)
    {
        // Routed mixtures export as the dense formula with the unrouted weights exactly 0 (the selector masks them), so the
        // graph computes what the routed TorchSharp model computes.
        using var model = ExportFixture.Create(kind, stage2, pooling, sharedExperts: stage2 ? 2 : 1, expertsPerTask: expertsPerTask);
        Assert.AreEqual(expertsPerTask > 0, model.Config.Mta.IsRouted);
        var rows = ExportFixture.Rows();
        var encoded = EncodedRows.FromInputs(model, rows);
        var expected = AlterPredictor.Predict(model, encoded, batchSize: 64);
        using var session = ExportFixture.Session(AlterOnnxExporter.ExportToBytes(model));
        var (probabilities, labels) = Run(session, encoded.Inputs, encoded.Tasks, model.Tokenizer.PaddingId);

        var offsets = OffsetsOf(model.Tasks);
        var width = model.Tasks.Sum(t => t.Labels.Count);
        var worst = 0f;
        for (var r = 0; r < rows.Count; r++)
        {
            var task = encoded.Tasks[r];
            for (var slot = 0; slot < width; slot++)
            {
                var local = slot - offsets[task];
                var own = local >= 0 && local < model.Tasks[task].Labels.Count;
                var actual = probabilities[r * width + slot];
                if (own)
                    worst = Math.Max(worst, Math.Abs(actual - expected[r].Probabilities[local]));
                else
                    Assert.AreEqual(0f, actual, $"row {r} (task {model.Tasks[task].Name}): slot {slot} belongs to another task");
            }
            Assert.AreEqual(expected[r].PredictedLabel, (int)labels[r], $"row {r}: predicted label");
        }
        Assert.IsTrue(encoded.Tasks.Distinct().Count() == 4 && rows.Any(r => r.Text2 is not null), "the rows cover every task, single sentences and pairs");
        Console.WriteLine($"{kind}, stage {(stage2 ? 2 : 1)}, {pooling}: max |onnx - torch| over {rows.Count} padded rows = {worst:E2}");
        Assert.IsTrue(worst <= Tolerance, $"max abs difference {worst} > {Tolerance}");
    }

    [TestMethod]
    public void EachRowAloneMatchesTorchSharp()
    {
        using var model = ExportFixture.Create(ExpertKind.FeedForwardCopy, stage2: true);
        var rows = ExportFixture.Rows();
        var encoded = EncodedRows.FromInputs(model, rows);
        var expected = AlterPredictor.Predict(model, encoded, batchSize: 64);
        using var session = ExportFixture.Session(AlterOnnxExporter.ExportToBytes(model));
        var offsets = OffsetsOf(model.Tasks);
        var width = model.Tasks.Sum(t => t.Labels.Count);
        var worst = 0f;
        for (var r = 0; r < rows.Count; r++)
        {
            var (probabilities, _) = Run(session, new[] { encoded.Inputs[r] }, new[] { encoded.Tasks[r] }, model.Tokenizer.PaddingId);
            for (var local = 0; local < expected[r].Probabilities.Length; local++)
                worst = Math.Max(worst, Math.Abs(probabilities[offsets[encoded.Tasks[r]] + local] - expected[r].Probabilities[local]));
            Assert.AreEqual(width, probabilities.Length);
        }
        Console.WriteLine($"max |onnx - torch| row by row = {worst:E2}");
        Assert.IsTrue(worst <= Tolerance, $"max abs difference {worst} > {Tolerance}");
    }

    [TestMethod]
    public void EmbeddedMiniLmStage2MatchesTorchSharp()
    {
        using var model = ExportFixture.Create(ExpertKind.FeedForwardCopy, stage2: true, pretrained: MiniLmFixture.Checkpoint, noise: 0.01);
        var rows = ExportFixture.Rows();
        rows.Add(new Data.TaskInput("sentiment", "A gorgeous, witty, seductive movie."));
        rows.Add(new Data.TaskInput("paraphrase", "A man is playing a guitar.", "Someone plays an instrument."));
        var expected = AlterPredictor.Predict(model, rows, batchSize: 8);
        var bytes = AlterOnnxExporter.ExportToBytes(model);
        using var predictor = Serving.OnnxRuntimePredictor.FromModel(model);
        var actual = predictor.Predict(rows, batchSize: 8);
        var worst = MaxDifference(expected, actual);
        Console.WriteLine($"MiniLM stage 2: {bytes.Length / 1e6:F1} MB, max |onnx - torch| = {worst:E2}");
        Assert.IsTrue(worst <= Tolerance, $"max abs difference {worst} > {Tolerance}");
    }

    internal static float MaxDifference(RowPrediction[] expected, RowPrediction[] actual)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        var worst = 0f;
        for (var r = 0; r < expected.Length; r++)
        {
            Assert.AreEqual(expected[r].Task, actual[r].Task, $"row {r}: task");
            Assert.AreEqual(expected[r].Probabilities.Length, actual[r].Probabilities.Length, $"row {r}: label count");
            for (var i = 0; i < expected[r].Probabilities.Length; i++)
                worst = Math.Max(worst, Math.Abs(expected[r].Probabilities[i] - actual[r].Probabilities[i]));
            Assert.AreEqual(expected[r].PredictedLabel, actual[r].PredictedLabel, $"row {r}: predicted label");
        }
        return worst;
    }

    internal static int[] OffsetsOf(IReadOnlyList<TaskSpec> tasks)
        => tasks.Select((t, i) => tasks.Take(i).Sum(p => p.Labels.Count)).ToArray();

    /// <summary>One padded batch straight through the session: (probabilities [rows × width], label [rows]).</summary>
    internal static (float[] Probabilities, long[] Labels) Run(InferenceSession session, IReadOnlyList<EncodedInput> inputs, IReadOnlyList<int> tasks, int paddingId)
    {
        using var batch = TokenBatch.Create(inputs, paddingId);
        long[] shape = { batch.InputIds.shape[0], batch.InputIds.shape[1] };
        using var ids = OrtValue.CreateTensorValueFromMemory(batch.InputIds.data<long>().ToArray(), shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(batch.AttentionMask.data<long>().ToArray(), shape);
        using var types = OrtValue.CreateTensorValueFromMemory(batch.TokenTypeIds.data<long>().ToArray(), shape);
        using var taskIds = OrtValue.CreateTensorValueFromMemory(tasks.Select(t => (long)t).ToArray(), new[] { (long)tasks.Count });
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new[] { "input_ids", "attention_mask", "token_type_ids", "task_id" },
            new[] { ids, mask, types, taskIds }, new[] { "probabilities", "label" });
        return (outputs[0].GetTensorDataAsSpan<float>().ToArray(), outputs[1].GetTensorDataAsSpan<long>().ToArray());
    }
}
