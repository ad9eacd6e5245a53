using Microsoft.ML.Alter.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Turns the core trainer's progress into ML.NET channel messages, and is also where ML.NET cancellation reaches the
/// core: the core reports after every step (ProgressInterval = 1), and each report calls <c>host.CheckAlive()</c>,
/// which throws <see cref="OperationCanceledException"/> once <c>MLContext.CancelExecution()</c> was called. The core
/// restores the best weights and unfreezes parameters in its own <c>finally</c>, so nothing is left half-trained.
/// </summary>
internal sealed class ChannelProgress(IHost host, IChannel channel, int logEverySteps) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        host.CheckAlive();
        if (value.DevAccuracy is { Count: 0 })
            channel.Info($"{value.Stage} epoch {value.Epoch}/{value.Epochs}: loss {value.Loss:F4}, elapsed {value.Elapsed:hh\\:mm\\:ss}");
        else if (value.DevAccuracy is not null)
            channel.Info(value.ToString());
        else if (logEverySteps > 0 && value.Step % logEverySteps == 0)
            channel.Trace(value.ToString());
    }
}
