using System.Text;

namespace Microsoft.ML.Alter.Bench.Baselines;

/// <summary>
/// The Markdown summary: per task, each system's test and dev accuracy and train time; then the headline metrics
/// the tasks are usually reported with (cola MCC, sms macro-F1) and the means.
/// </summary>
internal static class BaselineTable
{
    // Metrics that matter more than accuracy for a task: cola is skewed and scored by MCC in GLUE, sms is mostly ham.
    private static readonly (string Task, string Name, Func<ClassificationMetrics, double> Value)[] Headlines =
    {
        ("cola", "MCC", m => m.Mcc),
        ("sms", "macro-F1", m => m.MacroF1),
    };

    public static string Markdown(BaselineReport report)
    {
        var systems = report.Systems;
        var text = new StringBuilder();
        text.Append("| task | train rows | classes |");
        foreach (var s in systems)
            text.Append($" {s.Name}: test acc | dev acc | L2 | train s |");
        text.AppendLine();
        text.Append("|---|---:|---:|");
        foreach (var _ in systems)
            text.Append("---:|---:|---:|---:|");
        text.AppendLine();
        var taskNames = systems[0].Tasks.Select(t => t.Task).ToList();
        foreach (var task in taskNames)
        {
            var first = systems[0].Tasks.First(t => t.Task == task);
            text.Append($"| {task} | {first.TrainRows} | {first.Classes} |");
            foreach (var s in systems)
            {
                var r = s.Tasks.First(t => t.Task == task);
                text.Append($" {r.Test.Accuracy:F4} | {r.DevAccuracy:F4} | {r.SelectedL2:G3} | {r.TrainSeconds:F1} |");
            }
            text.AppendLine();
        }

        text.AppendLine();
        text.Append("| summary |");
        foreach (var s in systems)
            text.Append($" {s.Name} |");
        text.AppendLine();
        text.Append("|---|");
        foreach (var _ in systems)
            text.Append("---:|");
        text.AppendLine();
        foreach (var (task, name, value) in Headlines.Where(h => taskNames.Contains(h.Task)))
            Row($"{task} test {name}", s => value(s.Tasks.First(t => t.Task == task).Test).ToString("F4"));
        Row($"mean test accuracy ({taskNames.Count} tasks)", s => s.MeanTestAccuracy.ToString("F4"));
        Row("mean test macro-F1", s => s.Tasks.Average(t => t.Test.MacroF1).ToString("F4"));
        Row("train s, selected models (sum)", s => s.Tasks.Sum(t => t.TrainSeconds).ToString("F1"));
        Row("train s, whole grid (sum)", s => s.Tasks.Sum(t => t.SelectionSeconds).ToString("F1"));
        Row("features (range over tasks)", s => $"{s.Tasks.Min(t => t.Features):N0}–{s.Tasks.Max(t => t.Features):N0}");
        Row("trained parameters (sum)", s => s.Tasks.Sum(t => t.TrainedParameters).ToString("N0"));
        Row("frozen parameters", s => s.Tasks.FirstOrDefault()?.FrozenParameters is { } p ? p.ToString("N0") : "–");
        return text.ToString();

        void Row(string label, Func<SystemResult, string> cell)
        {
            text.Append($"| {label} |");
            foreach (var s in systems)
                text.Append($" {cell(s)} |");
            text.AppendLine();
        }
    }
}
