using System.Globalization;
using Microsoft.ML.Alter.Bench;
using Microsoft.ML.Alter.Bench.Baselines;
using Microsoft.ML.Alter.Bench.Peak;
using Microsoft.ML.Alter.Bench.Scaling;
using Microsoft.ML.Alter.Bench.Speed;

// Figures are printed and written with "." decimals whatever the machine's locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// alter-bench <command> [options]. Each command prints its figures with the machine and the command line.
var commands = new Dictionary<string, Func<BenchArgs, int>>(StringComparer.OrdinalIgnoreCase)
{
    ["encoder"] = EncoderThroughput.Run,
    ["baselines"] = BaselinesCommand.Run,
    ["peak"] = PeakCommand.Run,
    ["alter"] = Microsoft.ML.Alter.Bench.Alter.AlterCommand.Run,
    ["scoring"] = ScoringCommand.Run,
    ["memory"] = MemoryCommand.Run,
    ["scaling"] = ScalingCommand.Run,
    ["experts-memory"] = ExpertMemoryCommand.Run,
    ["profile"] = Microsoft.ML.Alter.Bench.Profile.TrainingStepProfile.Run,
    ["report"] = Microsoft.ML.Alter.Bench.Suite.ReportCommand.Run,
    ["onnx-serving"] = Microsoft.ML.Alter.Bench.Serving.OnnxServingCommand.Run,
};
// No command (or options first): the whole benchmark, every system and measurement, BENCHMARKS-MODE.md at the end.
var wantsHelp = args.Any(a => a is "--help" or "-h" or "help");
if (!wantsHelp && (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal)))
    args = args.Prepend("run").ToArray();
commands["run"] = Microsoft.ML.Alter.Bench.Suite.SuiteCommand.Run;
if (wantsHelp || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench -- [--data DIR] [--quick] [--systems a,b] [--out results]");
    Console.Error.WriteLine("      the benchmark: every system on every task folder of DIR, scoring speed, memory, scaling; BENCHMARKS-MODE.md and raw JSON in --out");
    Console.Error.WriteLine("      systems: " + string.Join(",", Microsoft.ML.Alter.Bench.Suite.SuitePlan.AllParts) + " (default all; ablations = stage2-ablations,bottleneck,layers,experts)");
    Console.Error.WriteLine("      parts of a split run: [--stage1 DIR/alter-s1.alter] (stage2-ablations from an earlier alter part's stage 1)");
    Console.Error.WriteLine("            [--served DIR/alter.alter] (scoring serves the model an earlier alter part trained)");
    Console.Error.WriteLine("            [--ablations-stage1-only] (bottleneck, layers, experts: stage 1 only, no stage 2 rows)");
    Console.Error.WriteLine("      caps: [--max-train N] [--max-dev N] [--max-test N] [--epochs1 N] [--epochs2 N] [--scoring-rows N] [--scoring-repeat N]");
    Console.Error.WriteLine("            [--memory-rows N] [--mode-name NAME] [--threads N]");
    Console.Error.WriteLine("   or: dotnet run -c Release --project bench -- <command> [--data DIR] [...]");
    Console.Error.WriteLine("commands:");
    Console.Error.WriteLine("  encoder [--data DIR] [--task sst2] [--split test] [--batch 32] [--repeat 2]");
    Console.Error.WriteLine("      pretrained MiniLM encoder inference: TorchSharp vs ONNX Runtime, sentences/s and tokens/s");
    Console.Error.WriteLine("  baselines [--data DIR] [--tasks a,b] [--max-train N] [--out results]");
    Console.Error.WriteLine("            [--systems mlnet,minilm] [--sdca-l2 1e-6,1e-5,1e-4] [--lbfgs-l2 0.1,0.3,1]");
    Console.Error.WriteLine("      per task: ML.NET FeaturizeText + SDCA, and frozen MiniLM embeddings + L-BFGS logistic regression;");
    Console.Error.WriteLine("      L2 chosen on dev, test accuracy / MCC / macro-F1, results/baselines.json");
    Console.Error.WriteLine("  peak [--repeat 7] [--threads N] [--batch 32] [--length 40] [--out results]");
    Console.Error.WriteLine("      fp32 matmul GFLOP/s: large square (machine peak) and MiniLM training shapes, results/peak.json");
    Console.Error.WriteLine("  alter [--data DIR] [--tasks a,b] [--max-train N] [--kind copy|bottleneck] [--layers 4,5] [--mta-layers 2] [--experts N]");
    Console.Error.WriteLine("        [--experts-per-task K] [--route-warmup 0]");
    Console.Error.WriteLine("        [--shared 1] [--epochs1 3] [--epochs2 1] [--lr1 5e-5] [--lr2 5e-5] [--head-lr 1e-3] [--batch 32] [--threads N]");
    Console.Error.WriteLine("        [--name alter] [--save model.alter] [--out results]");
    Console.Error.WriteLine("        recipe probes: [--stage1-only] (stage 1's dev accuracy only, no test scoring) [--warmup 0.06] [--weight-decay 0.01] [--patience 2] [--head-dropout 0.1]");
    Console.Error.WriteLine("      one ALTER model over all tasks: stage 1 and 1+2 dev/test per task, wall times, trainable parameters");
    Console.Error.WriteLine("  scoring [--data DIR] [--task sst2] [--split test] [--limit N] [--model file.alter] [--batches 32,1] [--repeat 2] [--threads N] [--quick] [--out results]");
    Console.Error.WriteLine("          [--experts-per-task K] [--shared S] (untrained model: routed, with stage 2's shared experts)");
    Console.Error.WriteLine("      ALTER through ML.NET (Transform, PredictionEngine) vs ONNX Runtime's MiniLM encoder: sentences/s, tokens/s, FLOPs/token");
    Console.Error.WriteLine("  memory [--data DIR] [--rows 100000] [--first 1000] [--checkpoints 10] [--batch 32] [--model file.alter] [--threads N] [--quick] [--out results]");
    Console.Error.WriteLine("      RSS and .NET heap along one long Transform pass (sentences repeated lazily): growth after the first 1k rows, peak");
    Console.Error.WriteLine("  scaling [--data DIR] [--tasks a,b,...] [--counts 2,4,7] [--train-rows 384] [--warmup-rows 64] [--score-rows 512] [--threads N] [--quick] [--out results]");
    Console.Error.WriteLine("      cost against the number of tasks: training ms/example and scoring ms/row, tokens/s, FLOPs/token, GFLOP/s");
    Console.Error.WriteLine("  experts-memory [--data DIR] [--tasks 7] [--experts default|old] [--max-rows 50] [--seed 42] [--out results]");
    Console.Error.WriteLine("      N tasks of 3-50 rows (task folders cycled): stage 1 one epoch, then save; peak RSS and wall time of each, default vs former expert count");
    Console.Error.WriteLine("  onnx-serving [--data DIR] [--model file.alter] [--limit 1000] [--repeat 2] [--engine-rows 256] [--threads N] [--quick] [--out results]");
    Console.Error.WriteLine("      TorchSharp vs ONNX Runtime (exported graph, fp32): sentences/s at batch 32 and 1 (sst2 and mixed tasks), max |diff|, PredictionEngine on 1/2/4 threads");
    Console.Error.WriteLine("  report --from results/benchmark-MODE.json[,part2.json...] [--out DIR]");
    Console.Error.WriteLine("      BENCHMARKS-MODE.md again from raw JSON, nothing trained; several parts of one plan (run with --systems) merge into one report");
    Console.Error.WriteLine("  profile [--data DIR] [--batch 32] [--repeat 5] [--threads N] [--out results]");
    Console.Error.WriteLine("          [--structures plain,default,routed2,routed1,bottleneck] [--no-dropout-variants]");
    Console.Error.WriteLine("      one training step of the plain encoder, ALTER's default, routed (k = 2, 1) and the bottleneck mixture: forward, backward, AdamW ms and GFLOP/s");
    return wantsHelp ? 0 : 2;
}
try
{
    return command(BenchArgs.Parse(args[1..]));
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException)
{
    // Bad options and bad data folders are the user's to fix: the message names what is wrong, a stack trace does not help.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
