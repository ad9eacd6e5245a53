using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Tests;

/// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
