using System.CommandLine;
using Microsoft.ML.Alter.Bench.Cli;
using System.Diagnostics;
using Microsoft.ML.Alter.Bench.Baselines;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.Alter.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Bench.Profile;

/// <summary>Where one training step's time goes, for one model structure.</summary>
/// <param name="ForwardMs">Forward pass in train mode with autograd (loss included).</param>
/// <param name="BackwardMs">Backward pass alone (forward + backward minus forward).</param>
/// <param name="OptimizerMs">AdamW step and zero_grad over every trainable parameter.</param>
/// <param name="InferenceMs">Forward in eval mode under no_grad, for comparison.</param>
internal sealed record StepProfile(string Model, double ForwardMflopPerToken, int Rows, long Tokens, long PaddedTokens,
    double ForwardMs, double BackwardMs, double OptimizerMs, double InferenceMs)
{
    public double StepMs => ForwardMs + BackwardMs + OptimizerMs;

    /// <summary>3 × forward weight FLOPs of the padded tokens (what the step actually computes) per second.</summary>
    public double StepGflops => 3 * ForwardMflopPerToken * 1e6 * PaddedTokens / (StepMs / 1000) / 1e9;

    public double ForwardGflops => ForwardMflopPerToken * 1e6 * PaddedTokens / (ForwardMs / 1000) / 1e9;

    public double BackwardGflops => 2 * ForwardMflopPerToken * 1e6 * PaddedTokens / (BackwardMs / 1000) / 1e9;
}

/// <summary>
/// `profile`: splits a training step of the plain encoder and of ALTER's default mixture into forward, backward and
/// optimiser time on one fixed batch of 32 mixed-task rows, to show why training reaches only part of the matmul peak.
/// </summary>
internal static class TrainingStepProfile
{
    public static CliCommand Create()
    {
        var tasks = Opt.List("--tasks", "Task folders the batch is drawn from (default: all)");
        var batch = Opt.Of("--batch", "Rows in the profiled batch", new AlterTrainingOptions().BatchSize);
        var repeat = Opt.Of("--repeat", "Timed steps, best kept", 5);
        var structures = Opt.List("--structures", "Some of plain, default, routed2, routed1, bottleneck (default: all)");
        var noDropoutVariants = Opt.Flag("--no-dropout-variants", "Skip the second timing of each structure without attention dropout");
        return Measurements.Create("profile",
            "One training step of the plain encoder, ALTER's default, routed (k = 2, 1) and the bottleneck mixture: forward, backward, AdamW ms and GFLOP/s",
            (r, common) => Run(common, r.ListOrNull(tasks), r.GetValue(batch), r.GetValue(repeat), r.ListOrNull(structures), r.GetValue(noDropoutVariants)),
            tasks, batch, repeat, structures, noDropoutVariants);
    }

    private static int Run(Common common, IReadOnlyList<string>? tasks, int batchSize, int repeat, IReadOnlyList<string>? chosen, bool noDropoutVariants)
    {
        var splits = TaskSplits.LoadAll(common.DataFolder(), tasks, 64);
        // Training batches come from length-sorted pools, so they pad little: profile such a batch, the rows around the
        // median length of every task's rows (a batch of random lengths would time mostly padding).
        var all = splits.SelectMany(s => s.Train).OrderBy(r => r.Text.Length + (r.Text2?.Length ?? 0)).ToList();
        var rows = all.Skip(Math.Max(0, all.Count / 2 - batchSize / 2)).Take(batchSize).ToList();
        var stamp = RunStamp.Capture();
        stamp.PrintHeader();
        using var pretrained = PretrainedCheckpoint.Load(null);
        var specs = TaskSpec.FromExamples(splits.SelectMany(s => s.Train));
        var profiles = new List<StepProfile>();
        var structures = new[]
        {
            ("plain", "plain encoder (multi-ft)", new MtaOptions { Layers = Array.Empty<int>() }),
            ("default", "ALTER default (FFN copies, 2 layers)", new MtaOptions()),
            ("routed2", "ALTER routed, 2 experts per task (prior's pair)", new MtaOptions { ExpertsPerTask = 2 }),
            ("routed1", "ALTER routed, 1 expert per task", new MtaOptions { ExpertsPerTask = 1 }),
            ("bottleneck", "ALTER bottleneck, all layers", new MtaOptions { ExpertKind = ExpertKind.Bottleneck, Layers = Enumerable.Range(0, pretrained.Config.NumHiddenLayers).ToArray() }),
        };
        // On a loaded machine a full profile takes an hour: --structures picks some, --no-dropout-variants skips the second timing of each.
        foreach (var (_, name, mta) in structures.Where(s => chosen is null || chosen.Contains(s.Item1)))
        {
            using var model = pretrained.CreateAlterModel(specs, mta, seed: 1);
            profiles.Add(Measure(name, model, rows, repeat));
            Console.WriteLine($"{name}: {profiles[^1]}");
            if (noDropoutVariants)
                continue;
            // The same structure without attention-probability dropout (an RNG pass over batch × heads × T² values per
            // layer): how much of the step that costs. Fresh weights: the time does not depend on them.
            var noAttentionDropout = model.Config with { Encoder = model.Config.Encoder with { AttentionProbsDropoutProb = 0 } };
            using var lean = new AlterModel(noAttentionDropout, model.Vocabulary);
            profiles.Add(Measure(name + ", attention dropout 0", lean, rows, repeat));
            Console.WriteLine($"{profiles[^1].Model}: {profiles[^1]}");
        }
        Console.WriteLine();
        Console.WriteLine("| model | MFLOP/token | forward ms | backward ms | AdamW ms | step ms | step GFLOP/s | forward GFLOP/s | backward GFLOP/s | inference ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in profiles)
            Console.WriteLine($"| {p.Model} | {p.ForwardMflopPerToken:F1} | {p.ForwardMs:F0} | {p.BackwardMs:F0} | {p.OptimizerMs:F0} | {p.StepMs:F0} | {p.StepGflops:F1} | {p.ForwardGflops:F1} | {p.BackwardGflops:F1} | {p.InferenceMs:F0} |");
        Console.WriteLine($"batch: {profiles[0].Rows} rows, {profiles[0].Tokens} tokens ({profiles[0].PaddedTokens} padded); best of {repeat}; {get_num_threads()} threads");
        var path = common.Write("profile.json", new { stamp, profiles });
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private static StepProfile Measure(string name, AlterModel model, IReadOnlyList<Data.LabeledExample> rows, int repeat)
    {
        var encoded = EncodedRows.FromExamples(model, rows, "profile");
        using var batch = TokenBatch.Create(encoded.Inputs, model.Tokenizer.PaddingId);
        using var taskIds = tensor(encoded.Tasks.Select(t => (long)t).ToArray());
        var trainable = model.parameters().ToList();
        using var optimizer = optim.AdamW(trainable, new AlterTrainingOptions().Stage1.LearningRate);
        var cost = ForwardFlops.Of(model.Config).AlterFlopsPerToken / 1e6;

        Tensor Loss() => MultiTaskLoss.Mean(model, batch, encoded.Tasks, encoded.Labels);

        double forward = double.MaxValue, both = double.MaxValue, step = double.MaxValue, inference = double.MaxValue;
        model.train();
        for (var r = 0; r < repeat + 2; r++)
        {
            using (NewDisposeScope())
            {
                var clock = Stopwatch.StartNew();
                Loss();
                if (r >= 2)
                    forward = Math.Min(forward, clock.Elapsed.TotalMilliseconds);
            }
            using (NewDisposeScope())
            {
                var clock = Stopwatch.StartNew();
                Loss().backward();
                if (r >= 2)
                    both = Math.Min(both, clock.Elapsed.TotalMilliseconds);
                clock.Restart();
                optimizer.step();
                optimizer.zero_grad();
                if (r >= 2)
                    step = Math.Min(step, clock.Elapsed.TotalMilliseconds);
            }
            // TorchSharp's optimizer step leaves wrappers to the finalizer, as in the trainer.
            GC.Collect();
        }
        model.eval();
        using (no_grad())
            for (var r = 0; r < repeat + 2; r++)
                using (NewDisposeScope())
                {
                    var clock = Stopwatch.StartNew();
                    model.Pooled(batch, taskIds);
                    if (r >= 2)
                        inference = Math.Min(inference, clock.Elapsed.TotalMilliseconds);
                }
        var tokens = encoded.Inputs.Sum(i => (long)i.Length);
        var padded = batch.InputIds.shape[0] * batch.InputIds.shape[1];
        return new StepProfile(name, cost, rows.Count, tokens, padded, forward, both - forward, step, inference);
    }
}
