using Microsoft.ML.Alter.Training;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Turns the core trainer's progress into ML.NET's two reporting paths: channel messages (epoch ends as information,
/// steps every <see cref="AlterEstimator.Options.LogEverySteps"/> as trace), and a progress channel as ML.NET's own
/// trainers keep one (<c>host.StartProgressChannel</c>, a header of metrics and units, a fill action the environment's
/// tracker pulls whenever it is asked, and a checkpoint at each epoch's end). Cancellation does not pass through here:
/// the estimator gives the core trainer <c>host.CheckAlive</c> as its per-step hook.
/// </summary>
internal sealed class ChannelProgress : IProgress<TrainingProgress>, IDisposable
{
    /// <summary>The progress channel's name, as ML.NET's trainers name theirs after the algorithm.</summary>
    internal const string ProgressChannelName = "ALTER training";

    private readonly IChannel _channel;
    private readonly IProgressChannel _progress;
    private readonly IProgress<TrainingProgress>? _user;
    private volatile TrainingProgress? _last;

    /// <param name="user">The user's own progress receiver (<see cref="AlterEstimator.Options.Progress"/>), told every report after the log.</param>
    public ChannelProgress(IHost host, IChannel channel, IProgress<TrainingProgress>? user = null)
    {
        _channel = channel;
        _user = user;
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
        _last = value;
        // Epoch ends are the reports that carry validation accuracy (empty without a validation set).
        if (value.DevAccuracy is not null)
            _progress.Checkpoint(value.Loss, value.Epoch, value.Step, value.Epochs, value.StepsPerEpoch);
        if (value.DevAccuracy is { Count: 0 })
            _channel.Info($"{value.Stage} epoch {value.Epoch}/{value.Epochs}: loss {value.Loss:F4}, elapsed {value.Elapsed:hh\\:mm\\:ss}");
        else if (value.DevAccuracy is not null)
            _channel.Info(value.ToString());
        else
            _channel.Trace(value.ToString());
        _user?.Report(value);
    }

    public void Dispose() => _progress.Dispose();
}
