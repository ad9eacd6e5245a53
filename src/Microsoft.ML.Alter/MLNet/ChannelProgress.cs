using Microsoft.ML.Alter.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Turns the core trainer's progress into ML.NET's two reporting paths: channel messages, and a progress channel as
/// ML.NET's own trainers keep one (<c>host.StartProgressChannel</c>, a header of metrics and units, a fill action the
/// environment's tracker pulls whenever it is asked, and a checkpoint at each epoch's end). It is also where ML.NET
/// cancellation reaches the core: the core reports after every step (ProgressInterval = 1), and each report calls
/// <c>host.CheckAlive()</c>, which throws <see cref="OperationCanceledException"/> once <c>MLContext.CancelExecution()</c>
/// was called. The core restores the best weights and unfreezes parameters in its own <c>finally</c>, so nothing is
/// left half-trained.
/// </summary>
internal sealed class ChannelProgress : IProgress<TrainingProgress>, IDisposable
{
    /// <summary>The progress channel's name, as ML.NET's trainers name theirs after the algorithm.</summary>
    internal const string ProgressChannelName = "ALTER training";

    private readonly IHost _host;
    private readonly IChannel _channel;
    private readonly int _logEverySteps;
    private readonly IProgressChannel _progress;
    private volatile TrainingProgress? _last;

    public ChannelProgress(IHost host, IChannel channel, int logEverySteps)
    {
        _host = host;
        _channel = channel;
        _logEverySteps = logEverySteps;
        _progress = host.StartProgressChannel(ProgressChannelName);
        _progress.SetHeader(new ProgressHeader(new[] { "loss" }, new[] { "epochs", "steps" }), entry =>
        {
            if (_last is not { } last)
                return;
            entry.SetProgress(0, last.Epoch - 1, last.Epochs);
            entry.SetProgress(1, last.Step, last.StepsPerEpoch);
            entry.SetMetric(0, last.Loss);
        });
    }

    public void Report(TrainingProgress value)
    {
        _host.CheckAlive();
        _last = value;
        // Epoch ends are the reports that carry validation accuracy (empty without a validation set).
        if (value.DevAccuracy is not null)
            _progress.Checkpoint(value.Loss, value.Epoch, value.Step, value.Epochs, value.StepsPerEpoch);
        if (value.DevAccuracy is { Count: 0 })
            _channel.Info($"{value.Stage} epoch {value.Epoch}/{value.Epochs}: loss {value.Loss:F4}, elapsed {value.Elapsed:hh\\:mm\\:ss}");
        else if (value.DevAccuracy is not null)
            _channel.Info(value.ToString());
        else if (_logEverySteps > 0 && value.Step % _logEverySteps == 0)
            _channel.Trace(value.ToString());
    }

    public void Dispose() => _progress.Dispose();
}
