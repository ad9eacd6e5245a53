using System.CommandLine;
using Microsoft.ML.Alter.Bench.Cli;
using System.Diagnostics;
using Microsoft.ML.Alter.Bench.Speed;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Export;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Serving;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.OnnxRuntime;
using ScoringRow = Microsoft.ML.Alter.Bench.Speed.ScoringRow;

namespace Microsoft.ML.Alter.Bench.Serving;

/// <summary>
/// `onnx-serving`: the same ALTER model scored by the TorchSharp core and by ONNX Runtime on its exported graph (fp32 and
/// dynamic int8), beside ONNX Runtime running the plain MiniLM encoder: sentences/s at batch 32 and 1 on sst2's test
/// split and on a mixed-task set, the agreement with TorchSharp, ML.NET PredictionEngine throughput with 1, 2 and 4
/// threads, and (for a trained --model) each task's test accuracy in fp32 and int8. results/onnx-serving.json.
/// </summary>
internal static class OnnxServingCommand
{
    public static CliCommand Create()
    {
        var model = Opt.Text("--model", "A saved .alter model (default: an untrained one, which costs what a trained one does)");
        var quick = Opt.Flag("--quick", "Fewer rows and passes: limit 200, repeat 1, engine rows 64");
        var limit = Opt.Positive("--limit", "sst2 test rows, and mixed-task rows (default 1000)");
        var repeat = Opt.Positive("--repeat", "Timed passes, best kept (default 2)");
        var engineRows = Opt.Positive("--engine-rows", "Rows of the PredictionEngine threads measurement (default 256)");
        return Measurements.Create("onnx-serving",
            "TorchSharp vs ONNX Runtime (exported graph, fp32 and int8) vs plain MiniLM: sentences/s at batch 32 and 1 (sst2 and mixed tasks), max |diff|, PredictionEngine on 1/2/4 threads, int8 accuracy per task",
            (r, common) =>
            {
                var q = r.GetValue(quick);
                return Run(common, r.GetValue(model), r.GetValue(limit) ?? (q ? 200 : 1000), r.GetValue(repeat) ?? (q ? 1 : 2), r.GetValue(engineRows) ?? (q ? 64 : 256));
            },
            model, quick, limit, repeat, engineRows);
    }

    private static int Run(Common common, string? modelPath, int limit, int repeat, int engineRows)
    {
        var threads = common.Threads;
        var data = common.DataFolder();
        var stamp = RunStamp.Capture();
        stamp.PrintHeader();

        using var model = SpeedInputs.Model(data, modelPath);
        var sst2 = SpeedInputs.Sentences(data, "sst2", "test", limit);
        var perTask = Math.Max(1, limit / model.Tasks.Count);
        var mixed = model.Tasks.SelectMany(t => SpeedInputs.Sentences(data, t.Name, "test", perTask)).ToList();
        mixed = mixed.Select((r, i) => (r, k: (i * 7919L) % mixed.Count)).OrderBy(p => p.k).Select(p => p.r).ToList();
        Console.WriteLine($"model: {(modelPath is { Length: > 0 } p ? p : "untrained (costs what a trained one does)")}; tasks {model.Tasks.Count}; "
                          + $"sst2 test rows {sst2.Count}, mixed rows {mixed.Count}; TorchSharp threads {TorchSharp.torch.get_num_threads()}, cores {Environment.ProcessorCount}");

        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0)
            sessionOptions.IntraOpNumThreads = threads;
        using var onnx = OnnxRuntimePredictor.FromModel(model, sessionOptions);
        using var int8 = OnnxRuntimePredictor.FromModel(model, sessionOptions, new AlterOnnxExportOptions { Quantization = OnnxQuantization.DynamicInt8 });
        using var miniLm = new OnnxMiniLm(threads);

        var rows = new List<object>();
        Console.WriteLine("| rows | batch | TorchSharp | ORT fp32 | ORT int8 | ORT plain MiniLM | fp32 / TorchSharp | int8 / fp32 | fp32 / plain MiniLM | fp32 max abs diff | int8 max abs diff | int8 same label |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, set) in new[] { ("sst2/test", sst2), ("mixed tasks/test", mixed) })
            foreach (var batch in new[] { 32, 1 })
            {
                // Interleaved in one loop so that drifting load affects the four alike.
                var torch = Best(repeat, () => AlterPredictor.Predict(model, set, batch), out var torchResult);
                var ort = Best(repeat, () => onnx.Predict(set, batch), out var ortResult);
                var ort8 = Best(repeat, () => int8.Predict(set, batch), out var int8Result);
                var plain = Best(repeat, () => PlainMiniLm(miniLm, model, set, batch), out _);
                var agree8 = torchResult.Zip(int8Result).Count(p => p.First.PredictedLabel == p.Second.PredictedLabel);
                Console.WriteLine($"| {name} | {batch} | {set.Count / torch:F1} | {set.Count / ort:F1} | {set.Count / ort8:F1} | {set.Count / plain:F1} | {torch / ort:F2}× | "
                                  + $"{ort / ort8:F2}× | {plain / ort:F2}× | {MaxDifference(torchResult, ortResult):E1} | {MaxDifference(torchResult, int8Result):E1} | {agree8}/{set.Count} |");
                rows.Add(new
                {
                    set = name, batch, rows = set.Count, torchSeconds = torch, onnxSeconds = ort, int8Seconds = ort8, plainMiniLmSeconds = plain,
                    maxAbsDiff = MaxDifference(torchResult, ortResult), int8MaxAbsDiff = MaxDifference(torchResult, int8Result), int8SameLabel = agree8,
                });
            }
        var accuracy = string.IsNullOrEmpty(modelPath) ? null : Int8Accuracy(data, model, onnx, int8);

        var ml = new MLContext(seed: 1);
        var alter = AlterTransformer.FromModel(ml, model, sentence2ColumnName: nameof(ScoringRow.Sentence2));
        var alterOnnx = alter.WithOnnxRuntimeScoring(sessionOptions);
        var engineInputs = mixed.Take(engineRows).Select(ScoringRow.From).ToList();
        var engines = new List<object>();
        foreach (var (backend, transformer) in new[] { ("TorchSharp", alter), ("ONNX Runtime", alterOnnx) })
            foreach (var count in new[] { 1, 2, 4 })
            {
                var seconds = Best(repeat, () => EngineThreads(ml, transformer, engineInputs, count), out _);
                Console.WriteLine($"PredictionEngine {backend}, {count} thread(s): {engineInputs.Count / seconds:F1} rows/s");
                engines.Add(new { backend, threads = count, rows = engineInputs.Count, seconds, rowsPerSecond = engineInputs.Count / seconds });
            }

        var file = common.Write("onnx-serving.json", new { stamp, loadAverageAtEnd = RunStamp.ReadLoadAverage(), predictors = rows, predictionEngines = engines, int8Accuracy = accuracy });
        Console.WriteLine($"wrote {file}");
        return 0;
    }

    /// <summary>ONNX Runtime's plain MiniLM graph over the same rows, length-sorted batches as the predictors make them.</summary>
    private static bool PlainMiniLm(OnnxMiniLm miniLm, Modeling.AlterModel model, List<TaskInput> rows, int batch)
    {
        var encoded = rows.Select(r => model.Tokenizer.Encode(r.Text, r.Text2)).ToList();
        foreach (var b in LengthBatches.Sorted(encoded.Select(e => e.Length).ToList(), batch))
            miniLm.Run(b.Select(i => encoded[i]).ToList(), model.Tokenizer.PaddingId);
        return true;
    }

    /// <summary>Each task's whole test split scored by the fp32 and the int8 graph: accuracy of both and the change.</summary>
    private static List<object> Int8Accuracy(string data, Modeling.AlterModel model, OnnxRuntimePredictor fp32, OnnxRuntimePredictor int8)
    {
        Console.WriteLine();
        Console.WriteLine("| task | test rows | accuracy fp32 | accuracy int8 | change (points) |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var result = new List<object>();
        var changes = new List<double>();
        foreach (var task in model.Tasks)
        {
            var test = TaskFolder.Read(data, "test", new[] { task.Name }).ToList();
            var inputs = test.Select(r => new TaskInput(r.Task, r.Text, r.Text2)).ToList();
            double Accuracy(OnnxRuntimePredictor p) => p.Predict(inputs, 32).Zip(test).Count(x => task.Labels[x.First.PredictedLabel] == x.Second.Label) / (double)test.Count;
            var a32 = Accuracy(fp32);
            var a8 = Accuracy(int8);
            changes.Add(100 * (a8 - a32));
            Console.WriteLine($"| {task.Name} | {test.Count} | {a32:F4} | {a8:F4} | {100 * (a8 - a32):+0.00;-0.00;0.00} |");
            result.Add(new { task = task.Name, rows = test.Count, fp32 = a32, int8 = a8 });
        }
        Console.WriteLine($"| **mean** | | | | {changes.Average():+0.00;-0.00;0.00} |");
        return result;
    }

    private static bool EngineThreads(MLContext ml, AlterTransformer transformer, List<ScoringRow> rows, int threads)
    {
        var workers = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            // Every engine shares the transformer: none may dispose it (ML.NET's engine owns its transformer by default).
            using var engine = ml.Model.CreatePredictionEngine<ScoringRow, ScoreOnlyRow>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
            for (var i = t; i < rows.Count; i += threads)
                engine.Predict(rows[i]);
        })).ToArray();
        Task.WaitAll(workers);
        return true;
    }

    /// <summary>Seconds of the fastest of <paramref name="repeat"/> timed passes, after one untimed warm-up pass.</summary>
    private static double Best<T>(int repeat, Func<T> pass, out T result)
    {
        result = pass();
        var best = double.MaxValue;
        for (var i = 0; i < repeat; i++)
        {
            var clock = Stopwatch.StartNew();
            result = pass();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static float MaxDifference(RowPrediction[] a, RowPrediction[] b)
    {
        var worst = 0f;
        for (var r = 0; r < a.Length; r++)
            for (var i = 0; i < a[r].Probabilities.Length; i++)
                worst = Math.Max(worst, Math.Abs(a[r].Probabilities[i] - b[r].Probabilities[i]));
        return worst;
    }
}

/// <summary>The Score column only, what a PredictionEngine reads.</summary>
public sealed class ScoreOnlyRow
{
    public float[] Score { get; set; } = Array.Empty<float>();
}
