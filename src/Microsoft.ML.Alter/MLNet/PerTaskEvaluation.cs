using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML;

/// <summary><c>mlContext.MulticlassClassification.EvaluatePerTask(scored)</c>: ML.NET's multiclass metrics for each task.</summary>
public static class PerTaskEvaluation
{
    /// <summary>
    /// Evaluates scored multi-task rows task by task with ML.NET's own multiclass evaluator. The scored data is computed once
    /// (cached), then filtered on the task column for each task. Per-class arrays (confusion matrix, per-class log-loss)
    /// span the union of all tasks' labels, like the Score column; the other tasks' classes have no rows.
    /// </summary>
    /// <returns>Metrics by task name, in ordinal order of task name.</returns>
    public static IReadOnlyDictionary<string, MulticlassClassificationMetrics> EvaluatePerTask(this MulticlassClassificationCatalog catalog,
        IDataView data, string labelColumnName = "Label", string taskColumnName = "Task", string scoreColumnName = "Score",
        string predictedLabelColumnName = "PredictedLabel")
    {
        var env = Contracts.CheckRef(catalog, nameof(catalog)).GetEnvironment();
        var host = env.Register(nameof(PerTaskEvaluation));
        host.CheckValue(data, nameof(data));
        var taskIndex = SchemaChecks.RequireText(host, data.Schema, "task", taskColumnName);
        foreach (var (role, name) in new[] { ("label", labelColumnName), ("score", scoreColumnName), ("predicted label", predictedLabelColumnName) })
            if (data.Schema.GetColumnOrNull(name) is null)
                throw host.ExceptSchemaMismatch(nameof(data), role, name);

        // Cache only the columns the evaluator reads, so the network runs once for all tasks.
        var needed = new[] { taskColumnName, labelColumnName, scoreColumnName, predictedLabelColumnName }.Select(n => data.Schema[n].Index).ToArray();
        var cached = new CacheDataView(host, data, needed);

        var tasks = new SortedSet<string>(StringComparer.Ordinal);
        using (var cursor = cached.GetRowCursor(new[] { cached.Schema[taskIndex] }))
        {
            var getTask = cursor.GetGetter<ReadOnlyMemory<char>>(cached.Schema[taskIndex]);
            ReadOnlyMemory<char> task = default;
            while (cursor.MoveNext())
            {
                getTask(ref task);
                tasks.Add(task.ToString());
            }
        }

        var result = new Dictionary<string, MulticlassClassificationMetrics>(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            var name = task;
            var rows = LambdaFilter.Create<ReadOnlyMemory<char>>(host, "AlterTaskFilter", cached, taskColumnName, TextDataViewType.Instance,
                (in ReadOnlyMemory<char> value) => value.Span.SequenceEqual(name.AsSpan()));
            result[task] = catalog.Evaluate(rows, labelColumnName, scoreColumnName, predictedLabelColumnName);
        }
        return result;
    }
}
