using System.CommandLine;
using Microsoft.ML.Alter.Bench.Cli;
using System.Diagnostics;
using Microsoft.ML.Alter.Bench.Speed;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Bench.Scaling;

/// <summary>
/// `experts-memory`: peak RSS and wall time of training (stage 1, one epoch) and of saving, for N tasks of 3-50 rows each,
/// with the default expert count (at most 8) or the former one (tasks + 1). One configuration per process, so each peak is
/// its own; results/experts-memory-N-POLICY.json.
/// </summary>
/// <remarks>
/// Tasks beyond the data folder's are made by cycling its task folders (task k reads folder k mod F, its own random rows),
/// so any count can be measured with real texts and labels.
/// </remarks>
internal static class ExpertMemoryCommand
{
    public static CliCommand Create()
    {
        var tasks = Opt.Of("--tasks", "Number of tasks (task folders cycled)", 7);
        var experts = Opt.Of("--experts", "default (the library's rule) or old (tasks + 1)", "default");
        experts.AcceptOnlyFromAmong("default", "old");
        var seed = Opt.Of("--seed", "Seed of the row draw", 42);
        // --max-rows 3 gives issue 15's original case (3 rows per task), whose memory is the same (parameters and optimizer
        // state dominate) at a fraction of the former default's training time.
        var maxRows = Opt.Of("--max-rows", "Rows per task are drawn from 3..N", 50);
        maxRows.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 3)
                r.AddError("--max-rows is at least 3.");
        });
        return Measurements.Create("experts-memory",
            "N tasks of 3..max-rows rows: stage 1 one epoch, then save; peak RSS and wall time of each, default vs former expert count",
            (r, common) => Run(common, r.GetValue(tasks), r.GetValue(experts)!, r.GetValue(seed), r.GetValue(maxRows)), tasks, experts, seed, maxRows);
    }

    private static int Run(Common common, int count, string policy, int seed, int maxRows)
    {
        var data = common.DataFolder();
        var folders = TaskFolder.Tasks(data);
        var random = new Random(seed);
        var rows = new List<LabeledExample>();
        for (var k = 0; k < count; k++)
        {
            var folder = folders[k % folders.Count];
            var all = TaskFolder.ReadFile(Path.Combine(data, folder, "train.tsv"), folder);
            var take = random.Next(3, maxRows + 1);
            // Both labels at least: a task needs two, so the first rows of two labels come first.
            var picked = all.GroupBy(r => r.Label).SelectMany(g => g.Take(1)).Take(2)
                .Concat(all.OrderBy(_ => random.Next()).Take(take)).Take(Math.Max(take, 2)).ToList();
            rows.AddRange(picked.Select(r => r with { Task = $"{folder}-{k:00}" }));
        }
        var mta = new MtaOptions { ExpertCount = policy == "old" ? count + 1 : null };
        var stamp = RunStamp.Capture();
        stamp.PrintHeader();
        Console.WriteLine($"{count} tasks, {rows.Count} training rows, experts {policy} ({mta.ResolveExpertCount(count)} per mixture)");

        using var pretrained = PretrainedCheckpoint.Load(null);
        ProcessMemory.TryResetPeak();
        var before = ProcessMemory.Sample(collect: true);
        var clock = Stopwatch.StartNew();
        var defaults = new AlterTrainingOptions();
        var trainer = new AlterTrainer(defaults with { Stage1 = defaults.Stage1 with { Epochs = 1 } });
        var (model, _) = trainer.CreateAndTrainStage1(pretrained, rows, null, mta);
        var trainSeconds = clock.Elapsed.TotalSeconds;
        var training = ProcessMemory.Sample();
        using (model)
        {
            var parameters = model.parameters().Sum(p => p.numel());
            var file = Path.Combine(Path.GetTempPath(), $"experts-memory-{Environment.ProcessId}.alter");
            ProcessMemory.Sample(collect: true);
            var resetForSave = ProcessMemory.TryResetPeak();
            clock.Restart();
            AlterModelStore.Save(model, file);
            var saveSeconds = clock.Elapsed.TotalSeconds;
            var saving = ProcessMemory.Sample();
            var size = new FileInfo(file).Length;
            File.Delete(file);
            Console.WriteLine($"| {count} | {policy} | {model.Config.ExpertCount} | {parameters / 1e6:F1} M | {trainSeconds:F0} s | {training.PeakRssBytes / 1048576.0:F0} MiB "
                              + $"| {saveSeconds:F1} s | {saving.PeakRssBytes / 1048576.0:F0} MiB | {size / 1048576.0:F0} MiB |");
            var written = common.Write($"experts-memory-{count}-{policy}.json", new
            {
                stamp, tasks = count, policy, maxRowsPerTask = maxRows, experts = model.Config.ExpertCount, trainingRows = rows.Count, parameters, trainSeconds,
                rssBeforeTrainingBytes = before.RssBytes, trainingPeakRssBytes = training.PeakRssBytes, saveSeconds,
                savingPeakRssBytes = saving.PeakRssBytes, savingPeakResetBeforeSave = resetForSave, savedBytes = size,
                loadAverageAtEnd = RunStamp.ReadLoadAverage(),
            });
            Console.WriteLine($"wrote {written}");
        }
        return 0;
    }
}
