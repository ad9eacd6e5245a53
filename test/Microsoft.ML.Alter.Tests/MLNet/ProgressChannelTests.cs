using System.Collections;
using System.Reflection;
using Microsoft.ML.Alter.MLNet;

namespace Microsoft.ML.Alter.Tests.MLNet;

/// <summary>
/// Training reports through ML.NET's progress channel as ML.NET's trainers do: a start, a checkpoint per epoch with the
/// loss and the epoch and step reached, and a stop. MLContext keeps its progress tracker internal (ML.NET's own tools read
/// it), so the test reads the tracker's events by reflection.
/// </summary>
[TestClass]
public sealed class ProgressChannelTests
{
    [TestMethod]
    public void FitReportsACheckpointPerEpochOnTheProgressChannel()
    {
        var ml = new MLContext(seed: 1);
        var options = MLNetFixture.Options();
        options.Stage1Epochs = 2;
        using var model = ml.MulticlassClassification.Trainers.AlterStage1(options).Fit(MLNetFixture.Keyed(MLNetFixture.Train.Take(32)));

        var events = ProgressEvents(ml).Where(e => Get(e, "Name") is string name && name.StartsWith(ChannelProgress.ProgressChannelName, StringComparison.Ordinal)).ToList();
        var kinds = events.Select(e => Get(e, "Kind")!.ToString()).ToList();
        Assert.AreEqual("Start", kinds.First(), string.Join(", ", kinds));
        Assert.AreEqual("Stop", kinds.Last(), string.Join(", ", kinds));
        var checkpoints = events.Where(e => Get(e, "Kind")!.ToString() == "Progress").Select(e => Get(e, "ProgressEntry")!).ToList();
        Assert.AreEqual(2, checkpoints.Count, string.Join(", ", kinds));
        for (var epoch = 1; epoch <= 2; epoch++)
        {
            var entry = checkpoints[epoch - 1];
            var header = Get(entry, "Header")!;
            CollectionAssert.AreEqual(new[] { "loss" }, (string[])Get(header, "MetricNames")!);
            CollectionAssert.AreEqual(new[] { "epochs", "steps" }, (string[])Get(header, "UnitNames")!);
            var progress = (double?[])Get(entry, "Progress")!;
            var limits = (double?[])Get(entry, "ProgressLim")!;
            Assert.AreEqual(epoch, progress[0]);
            Assert.AreEqual(2, limits[0]);
            Assert.AreEqual(limits[1], progress[1], "the checkpoint is at the epoch's last step");
            Assert.IsTrue(((double?[])Get(entry, "Metrics")!)[0] is > 0 and < 10);
        }
    }

    [TestMethod]
    public void OptionsProgressGetsEveryReportTheLogGets()
    {
        var ml = new MLContext(seed: 1);
        var logged = new List<string>();
        ml.Log += (_, e) =>
        {
            // The step and epoch-end lines; the stage's summary ("stage 1: 2 epochs in ...") is the log's alone.
            if (e.Source.Contains("AlterEstimator", StringComparison.Ordinal) && e.RawMessage.StartsWith("stage 1 epoch ", StringComparison.Ordinal))
                logged.Add(e.RawMessage);
        };
        var reports = new List<Microsoft.ML.Alter.Training.TrainingProgress>();
        var options = MLNetFixture.Options();
        options.Stage1Epochs = 2;
        options.LogEverySteps = 1;
        options.ValidationSet = MLNetFixture.Keyed(MLNetFixture.Train.Take(8));
        options.Progress = new SynchronousProgress(reports.Add);
        using var model = ml.MulticlassClassification.Trainers.AlterStage1(options).Fit(MLNetFixture.Keyed(MLNetFixture.Train.Take(64)));

        CollectionAssert.AreEqual(logged, reports.Select(r => r.ToString()).ToList(), "the typed reports and the log tell the same");
        Assert.AreEqual(2, reports.Count(r => r.DevAccuracy is not null), "one report with validation accuracy per epoch");
        var steps = reports[0].StepsPerEpoch;
        Assert.IsTrue(steps >= 2 && reports.All(r => r.Stage == "stage 1" && r.Epochs == 2 && r.StepsPerEpoch == steps));
        // LogEverySteps = 1: a report at every step, the epoch's last step being its end (the one with validation accuracy).
        var everyStep = Enumerable.Range(1, 2).SelectMany(epoch => Enumerable.Range(1, steps).Select(step => (epoch, step, step == steps))).ToList();
        CollectionAssert.AreEqual(everyStep, reports.Select(r => (r.Epoch, r.Step, r.DevAccuracy is not null)).ToList());
    }

    /// <summary>
    /// Left unset (the default), stage 1's epochs follow the data: the log says how many and why before training, and
    /// that many epochs run. 64 rows in batches of 8 make 8 steps per epoch.
    /// </summary>
    [TestMethod]
    public void EpochsChosenFromTheDataAreLoggedAndRun()
    {
        var ml = new MLContext(seed: 1);
        var chosen = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Source.Contains("AlterEstimator", StringComparison.Ordinal) && e.RawMessage.Contains("chosen from the data", StringComparison.Ordinal))
                chosen.Add(e.RawMessage);
        };
        var reports = new List<Microsoft.ML.Alter.Training.TrainingProgress>();
        var options = MLNetFixture.Options();
        options.Stage1Epochs = null;
        options.ValidationSet = MLNetFixture.Keyed(MLNetFixture.Train.Take(8));
        options.Progress = new SynchronousProgress(reports.Add);
        using var model = ml.MulticlassClassification.Trainers.AlterStage1(options).Fit(MLNetFixture.Keyed(MLNetFixture.Train.Take(64)));

        var epochEnds = reports.Where(r => r.DevAccuracy is not null).ToList();
        var epochs = epochEnds[0].Epochs;
        Assert.AreEqual(8, epochEnds[0].StepsPerEpoch);
        Assert.IsTrue(epochs > 2, $"8 steps per epoch are few: more than 2 epochs expected, got {epochs}");
        Assert.AreEqual(1, chosen.Count, string.Join(" | ", chosen));
        StringAssert.StartsWith(chosen[0], $"stage 1: {epochs} epochs of 8 steps, chosen from the data");
        // Early stopping may end the stage sooner; without it, every chosen epoch runs.
        Assert.IsTrue(epochEnds.Count <= epochs && epochEnds.All(r => r.Epochs == epochs));
    }

    private static IEnumerable<object> ProgressEvents(MLContext ml)
    {
        const BindingFlags any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        var env = typeof(MLContext).GetFields(any).Select(f => f.GetValue(ml)).Single(v => v is Microsoft.ML.Runtime.IHostEnvironment);
        var tracker = Property(env!, "ProgressTracker")!;
        return ((IEnumerable)tracker.GetType().GetMethod("GetAllProgress", any)!.Invoke(tracker, null)!).Cast<object>();
    }

    /// <summary>A property or field, declared on the type or a base (HostEnvironmentBase keeps the tracker in a protected field).</summary>
    private static object? Property(object target, string name)
    {
        const BindingFlags any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        for (var type = target.GetType(); type is not null; type = type.BaseType)
        {
            if (type.GetProperty(name, any) is { } property)
                return property.GetValue(target);
            if (type.GetField(name, any) is { } field)
                return field.GetValue(target);
        }
        throw new MissingMemberException(target.GetType().FullName, name);
    }

    /// <summary>A field or property of one of ML.NET's internal progress types.</summary>
    private static object? Get(object target, string name) => Property(target, name);
}
