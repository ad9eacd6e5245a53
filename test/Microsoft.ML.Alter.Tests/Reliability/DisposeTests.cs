using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Tests.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Tests.Reliability;

/// <summary>Finding 2: Dispose while another thread scores must not crash the process; afterwards every call fails clearly.</summary>
[TestClass]
public sealed class DisposeTests
{
    [TestMethod]
    public void DisposeDuringScoringWaitsForTheBatchThenTheCursorFailsCleanly()
    {
        var ml = new MLContext(seed: 1);
        var rows = Enumerable.Range(0, 60).SelectMany(_ => MLNetFixture.Test).ToList();
        // Several rounds: the crash this guards against came in 2 runs of 3.
        for (var round = 0; round < 4; round++)
        {
            var pipeline = FreshModels.Pipeline(ml);
            var alter = FreshModels.Alter(pipeline);
            var keyed = MLNetFixture.Parts(pipeline).First().Transform(ml.Data.LoadFromEnumerable(rows));
            var started = new ManualResetEventSlim();
            var read = 0;
            var scoring = Task.Run(() =>
            {
                using var cursor = alter.Transform(keyed).GetRowCursor(alter.Transform(keyed).Schema.Where(c => c.Name == "Score"));
                var getScore = cursor.GetGetter<VBuffer<float>>(cursor.Schema["Score"]);
                VBuffer<float> score = default;
                while (cursor.MoveNext())
                {
                    getScore(ref score);
                    read++;
                    started.Set();
                }
            });
            Assert.IsTrue(started.Wait(TimeSpan.FromMinutes(1)), "scoring started");
            alter.Dispose();
            var error = Assert.Throws<Exception>(() => scoring.Wait(TimeSpan.FromMinutes(1)));
            var inner = FreshModels.Innermost(error);
            Assert.IsInstanceOfType<ObjectDisposedException>(inner, inner.ToString());
            StringAssert.Contains(inner.Message, nameof(AlterTransformer));
            Assert.IsTrue(read < rows.Count, "the cursor stopped at the next batch");
        }
    }

    [TestMethod]
    public void EveryCallAfterDisposeThrowsObjectDisposedNamingTheTransformer()
    {
        var ml = new MLContext(seed: 1);
        var pipeline = FreshModels.Pipeline(ml);
        var alter = FreshModels.Alter(pipeline);
        var keyed = MLNetFixture.Parts(pipeline).First().Transform(ml.Data.LoadFromEnumerable(MLNetFixture.Test));
        var sibling = alter.WithScoringOptions(scoringBatchSize: 4);
        var openView = alter.Transform(keyed);
        alter.Dispose();
        alter.Dispose(); // twice is harmless

        var calls = new (string Name, Action Call)[]
        {
            ("Transform", () => alter.Transform(keyed)),
            ("GetOutputSchema", () => alter.GetOutputSchema(keyed.Schema)),
            ("GetRowToRowMapper", () => ((ITransformer)alter).GetRowToRowMapper(keyed.Schema)),
            ("Model", () => _ = alter.Model),
            ("Stage", () => _ = alter.Stage),
            ("TaskNames", () => _ = alter.TaskNames),
            ("LabelsByTask", () => _ = alter.LabelsByTask),
            ("Labels", () => _ = alter.Labels),
            ("MtaLayers", () => _ = alter.MtaLayers),
            ("ExpertWeights()", () => alter.ExpertWeights()),
            ("ExpertWeights(task)", () => alter.ExpertWeights("sentiment")),
            ("WithScoringOptions", () => alter.WithScoringOptions(scoringBatchSize: 8)),
            ("a transformer sharing the model", () => sibling.Transform(keyed)),
            ("a view made before Dispose", () => openView.GetColumn<uint>("PredictedLabel").ToList()),
            ("Model.Save", () => ml.Model.Save(pipeline, keyed.Schema, new MemoryStream())),
            ("CreatePredictionEngine", () => ml.Model.CreatePredictionEngine<TextRow, ScoredRow>(pipeline)),
        };
        foreach (var (name, call) in calls)
        {
            var error = Assert.Throws<Exception>(call, name);
            var inner = FreshModels.Innermost(error);
            Assert.IsInstanceOfType<ObjectDisposedException>(inner, $"{name}: {inner}");
            StringAssert.Contains(inner.Message, nameof(AlterTransformer), name);
        }
    }

    [TestMethod]
    public void TheCoreModelFailsCleanlyAfterDispose()
    {
        var model = FreshModels.Alter(FreshModels.Pipeline(new MLContext(seed: 1))).Model;
        model.Dispose();
        var rows = new[] { new TaskInput("sentiment", "a good movie") };
        foreach (var call in new Action[]
                 {
                     () => AlterPredictor.Predict(model, rows),
                     () => AlterModelStore.Save(model, new MemoryStream()),
                     () => model.ExpertWeights(),
                 })
            StringAssert.Contains(Assert.ThrowsExactly<ObjectDisposedException>(call).Message, "AlterModel");
    }
}
