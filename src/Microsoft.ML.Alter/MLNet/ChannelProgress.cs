using Microsoft.ML.Alter.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Turns the core trainer's progress into ML.NET channel messages: epoch ends as information, steps (every
/// <see cref="AlterEstimator.Options.LogEverySteps"/>) as trace. Cancellation does not pass through here: the estimator
/// gives the core trainer <c>host.CheckAlive</c> as its per-step hook.
/// </summary>
internal sealed class ChannelProgress(IChannel channel) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.DevAccuracy is { Count: 0 })
            channel.Info($"{value.Stage} epoch {value.Epoch}/{value.Epochs}: loss {value.Loss:F4}, elapsed {value.Elapsed:hh\\:mm\\:ss}");
        else if (value.DevAccuracy is not null)
            channel.Info(value.ToString());
        else
            channel.Trace(value.ToString());
    }
}
