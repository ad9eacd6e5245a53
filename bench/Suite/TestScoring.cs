using Microsoft.ML.Alter.Bench.Baselines;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Bench.Suite;

/// <summary>Scores a trained model on its tasks' test rows with the same metric code as the classic baselines.</summary>
internal static class TestScoring
{
    public static Dictionary<string, ClassificationMetrics> Score(AlterModel model, IReadOnlyList<TaskSplits> splits)
    {
        var rows = splits.SelectMany(s => s.Test).ToList();
        var predictions = AlterPredictor.Predict(model, rows.Select(r => new TaskInput(r.Task, r.Text, r.Text2)).ToList(), 64);
        return splits.ToDictionary(s => s.Task, s =>
        {
            var task = model.TaskIndex(s.Task);
            var mine = Enumerable.Range(0, rows.Count).Where(i => rows[i].Task == s.Task).ToList();
            return ClassificationMetrics.Compute(mine.Select(i => rows[i].Label).ToList(),
                mine.Select(i => model.Tasks[task].Labels[predictions[i].PredictedLabel]).ToList(), model.Tasks[task].Labels);
        });
    }
}
