using Microsoft.ML;
using Microsoft.ML.Runtime;

/// <summary>
/// Shows training progress by listening to ML.NET's own log (<c>MLContext.Log</c>) rather than a side channel: the ALTER
/// estimator writes per-epoch loss, per-task validation accuracy and time left to its channel like any ML.NET trainer.
/// The log carries every component's chatter, so only the ALTER estimator's messages are printed.
/// </summary>
internal static class AlterLog
{
    /// <param name="warningsOnly">Only warnings (skipped rows, a clamped length): where a progress bar shows the rest.</param>
    public static void Attach(MLContext mlContext, bool warningsOnly = false)
    {
        mlContext.Log += (_, e) =>
        {
            // Info: epoch ends and stage summaries; Trace: a step line every LogEverySteps steps (with time left).
            if (!e.Source.Contains("AlterEstimator", StringComparison.Ordinal))
                return;
            // ML.NET's own channel lifecycle lines ("Channel started", "Channel disposed") say nothing about training.
            if (e.RawMessage.StartsWith("Channel ", StringComparison.Ordinal))
                return;
            if (e.Kind == ChannelMessageKind.Warning || (!warningsOnly && e.Kind is ChannelMessageKind.Info or ChannelMessageKind.Trace))
                Console.WriteLine($"  [{DateTime.Now:HH:mm:ss}] {e.RawMessage}");
        };
    }
}
