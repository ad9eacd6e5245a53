using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Bench.Baselines;

/// <summary>
/// The model-selection loop both baselines share: fit the label/feature preparation once on train, then one
/// trainer per L2 value on the cached prepared train set, keep the best dev accuracy (ties go to the earlier grid
/// point, i.e. the order the grid is given in), and score that model once on test.
/// </summary>
internal static class DevGridSelection
{
    public const string Features = "Features";

    public static TaskResult Run(MLContext ml, TaskSplits task, IDataView train, IDataView dev, IDataView test,
        IEstimator<ITransformer> preparation, IReadOnlyList<double> l2Grid, Func<double, IEstimator<ITransformer>> trainer,
        Action<string> progress, double extraTrainSeconds = 0)
    {
        var clock = Stopwatch.StartNew();
        var prepModel = preparation.Fit(train);
        var preparedTrain = Materialize(ml, prepModel.Transform(train));
        var prepSeconds = clock.Elapsed.TotalSeconds;
        var preparedDev = Materialize(ml, prepModel.Transform(dev));
        var preparedTest = ml.Data.Cache(prepModel.Transform(test));
        var features = (preparedTrain.Schema[Features].Type as VectorDataViewType)?.Size
                       ?? throw new InvalidOperationException($"Column '{Features}' is not a vector.");

        var grid = new List<GridPoint>();
        ITransformer? best = null;
        var bestIndex = -1;
        foreach (var l2 in l2Grid)
        {
            var fitClock = Stopwatch.StartNew();
            var head = trainer(l2).Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel")).Fit(preparedTrain);
            var fitSeconds = fitClock.Elapsed.TotalSeconds;
            var devAccuracy = Score(ml, head, preparedDev, task.Dev, task.Labels).Accuracy;
            grid.Add(new GridPoint(l2, devAccuracy, fitSeconds));
            progress($"L2 {l2:G3}: dev accuracy {devAccuracy:F4} (fit {fitSeconds:F1} s)");
            if (bestIndex < 0 || devAccuracy > grid[bestIndex].DevAccuracy)
            {
                best = head;
                bestIndex = grid.Count - 1;
            }
        }
        var selectionSeconds = clock.Elapsed.TotalSeconds;
        var testMetrics = Score(ml, best!, preparedTest, task.Test, task.Labels);
        progress($"selected L2 {grid[bestIndex].L2:G3}: dev {grid[bestIndex].DevAccuracy:F4}, test {testMetrics.Accuracy:F4}, MCC {testMetrics.Mcc:F4}, macro-F1 {testMetrics.MacroF1:F4}");
        return new TaskResult(task.Task, task.Train.Count, task.Dev.Count, task.Test.Count, task.Labels.Count, grid,
            grid[bestIndex].L2, grid[bestIndex].DevAccuracy, testMetrics,
            TrainSeconds: extraTrainSeconds + prepSeconds + grid[bestIndex].FitSeconds,
            SelectionSeconds: extraTrainSeconds + selectionSeconds,
            Features: features,
            TrainedParameters: (long)task.Labels.Count * (features + 1));
    }

    /// <summary>Caches and reads a view once, so featurization is timed where it happens and not inside the first fit.</summary>
    private static IDataView Materialize(MLContext ml, IDataView view)
    {
        var cached = ml.Data.Cache(view);
        using var cursor = cached.GetRowCursor(cached.Schema);
        while (cursor.MoveNext())
        {
        }
        return cached;
    }

    private static ClassificationMetrics Score(MLContext ml, ITransformer head, IDataView prepared, IReadOnlyList<Data.LabeledExample> rows,
        IReadOnlyList<string> labels)
    {
        var predicted = ml.Data.CreateEnumerable<Prediction>(head.Transform(prepared), reuseRowObject: false)
            .Select(p => p.PredictedLabel).ToList();
        return ClassificationMetrics.Compute(rows.Select(r => r.Label).ToList(), predicted, labels);
    }

    private sealed class Prediction
    {
        public string PredictedLabel { get; set; } = "";
    }
}
