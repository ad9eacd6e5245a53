using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Tests.Export;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Tests.MLNet;

/// <summary>Only the Score column, read by a PredictionEngine.</summary>
public sealed class ScoreOnly
{
    public float[] Score { get; set; } = Array.Empty<float>();
}

/// <summary>
/// The ML.NET transformer scoring with ONNX Runtime: the TorchSharp path's outputs within 1e-4, batched Transform, and
/// PredictionEngines on several threads that run in parallel (no lock) and give the sequential results.
/// </summary>
[TestClass]
public sealed class OnnxRuntimeScoringTests
{
    private static AlterTransformer Torch(MLContext ml) => AlterTransformer.FromModel(ml, ExportFixture.Create(stage2: true), sentence2ColumnName: "Sentence2");

    [TestMethod]
    public void TransformMatchesTheTorchSharpPathAndStaysBatched()
    {
        var ml = new MLContext(seed: 1);
        var torch = Torch(ml);
        using var onnx = torch.WithOnnxRuntimeScoring();
        Assert.IsFalse(torch.ScoresWithOnnxRuntime);
        Assert.IsTrue(onnx.ScoresWithOnnxRuntime);
        Assert.IsTrue(onnx.WithScoringOptions(scoringBatchSize: 8).ScoresWithOnnxRuntime, "other scoring options keep the backend");

        var data = ml.Data.LoadFromEnumerable(MLNetFixture.Test);
        var (expectedLabels, expectedScores) = Read(torch.Transform(data));
        var callsBefore = onnx.Scorer.NetworkCalls;
        var (labels, scores) = Read(onnx.Transform(data));
        Assert.AreEqual((MLNetFixture.Test.Count + 31) / 32, onnx.Scorer.NetworkCalls - callsBefore, "Transform scores 32 rows per session run");

        var worst = 0f;
        for (var r = 0; r < scores.Length; r++)
        {
            Assert.AreEqual(expectedLabels[r], labels[r], $"row {r}: PredictedLabel");
            Assert.AreEqual(expectedScores[r].Length, scores[r].Length);
            for (var k = 0; k < scores[r].Length; k++)
                worst = Math.Max(worst, Math.Abs(expectedScores[r][k] - scores[r][k]));
        }
        Console.WriteLine($"ML.NET Transform, ONNX Runtime vs TorchSharp over {scores.Length} rows: max |diff| = {worst:E2}");
        Assert.IsTrue(worst <= 1e-4f, $"max abs difference {worst}");
    }

    [TestMethod]
    public void FourThreadsScoreInParallelWithoutTheModelLockAndMatchSequentialScoring()
    {
        var ml = new MLContext(seed: 1);
        var torch = Torch(ml);
        using var onnx = torch.WithOnnxRuntimeScoring();
        var rows = MLNetFixture.Test;
        // Engines share the transformer: by default ML.NET's engine disposes its transformer (model and session) with itself.
        var shared = new PredictionEngineOptions { OwnsTransformer = false };
        using (var sequential = ml.Model.CreatePredictionEngine<TextRow, ScoreOnly>(onnx, shared))
        {
            var expected = rows.Select(r => sequential.Predict(r).Score.ToArray()).ToArray();
            var results = new float[rows.Count][];
            using var torchEngine = ml.Model.CreatePredictionEngine<TextRow, ScoreOnly>(torch, shared);
            Task<float[]> torchScoring = null!;
            // A model in training mode is used alone (AlterModel.InTurn): while this test holds that exclusive turn, TorchSharp
            // scoring must wait and ONNX Runtime's, which never takes a turn, must not.
            onnx.Model.train();
            onnx.Model.InTurn(() =>
            {
                torchScoring = Task.Run(() => torchEngine.Predict(rows[0]).Score.ToArray());
                var threads = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
                {
                    using var engine = ml.Model.CreatePredictionEngine<TextRow, ScoreOnly>(onnx, shared);
                    for (var i = t; i < rows.Count; i += 4)
                        results[i] = engine.Predict(rows[i]).Score.ToArray();
                })).ToArray();
                Assert.IsTrue(Task.WaitAll(threads, TimeSpan.FromMinutes(5)), "ONNX Runtime scoring waited for the model's turn");
                Assert.IsFalse(torchScoring.IsCompleted, "TorchSharp scoring ran while the model's exclusive turn was held");
                return true;
            });
            onnx.Model.eval();
            for (var r = 0; r < rows.Count; r++)
                CollectionAssert.AreEqual(expected[r], results[r], $"row {r}: concurrent scoring differs from sequential");
            var torchScores = torchScoring.GetAwaiter().GetResult();
            for (var k = 0; k < torchScores.Length; k++)
                Assert.AreEqual(torchScores[k], expected[0][k], 1e-4f, $"slot {k}: TorchSharp vs ONNX Runtime");
        }
    }

    [TestMethod]
    public void TorchSharpScoringOfATrainedModelSharesItsTurn()
    {
        // A trained model (eval mode) is read, never changed, by scoring: threads score it side by side. Held from another
        // thread, its turn does not keep this thread's PredictionEngine out.
        var ml = new MLContext(seed: 1);
        var torch = Torch(ml);
        using var engine = ml.Model.CreatePredictionEngine<TextRow, ScoreOnly>(torch);
        var expected = engine.Predict(MLNetFixture.Test[0]).Score.ToArray();
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = Task.Run(() => torch.Model.InTurn(() =>
        {
            held.Set();
            return release.Wait(TimeSpan.FromMinutes(1));
        }));
        Assert.IsTrue(held.Wait(TimeSpan.FromMinutes(1)));
        var scoring = Task.Run(() => engine.Predict(MLNetFixture.Test[0]).Score.ToArray());
        Assert.IsTrue(scoring.Wait(TimeSpan.FromMinutes(1)), "TorchSharp scoring waited for another thread's use of the trained model");
        CollectionAssert.AreEqual(expected, scoring.Result);
        release.Set();
        Assert.IsTrue(holder.Result);
    }

    /// <summary>PredictedLabel and Score in one pass over the rows.</summary>
    private static (uint[] Labels, float[][] Scores) Read(IDataView scored)
    {
        var labels = new List<uint>();
        var scores = new List<float[]>();
        using var cursor = scored.GetRowCursor(new[] { scored.Schema["PredictedLabel"], scored.Schema["Score"] });
        var getLabel = cursor.GetGetter<uint>(scored.Schema["PredictedLabel"]);
        var getScore = cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]);
        uint label = 0;
        VBuffer<float> score = default;
        while (cursor.MoveNext())
        {
            getLabel(ref label);
            getScore(ref score);
            labels.Add(label);
            scores.Add(score.DenseValues().ToArray());
        }
        return (labels.ToArray(), scores.ToArray());
    }
}
