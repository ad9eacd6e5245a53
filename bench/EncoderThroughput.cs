using System.CommandLine;
using System.Diagnostics;
using Microsoft.ML.Alter.Bench.Cli;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Text;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Bench;

/// <summary>
/// Inference throughput of the pretrained encoder (last_hidden_state) in TorchSharp and in ONNX Runtime on the same
/// MiniLM graph, the same sentences and the same length-sorted, dynamically padded batches, in one process.
/// Tokenization is done once up front and is not timed: both engines get identical tensors.
/// </summary>
internal static class EncoderThroughput
{
    public static CliCommand Create()
    {
        var task = Opt.Of("--task", "Task folder", "sst2");
        var split = Opt.Of("--split", "Split", "test");
        var batch = Opt.Of("--batch", "Sentences per batch", 32);
        var repeat = Opt.Of("--repeat", "Timed passes, best kept", 2);
        return Measurements.Create("encoder", "Pretrained MiniLM encoder inference: TorchSharp vs ONNX Runtime, sentences/s and tokens/s",
            (r, common) => Run(common, r.GetValue(task)!, r.GetValue(split)!, r.GetValue(batch), r.GetValue(repeat)), task, split, batch, repeat);
    }

    private static int Run(Common common, string task, string split, int batchSize, int repeat)
    {
        var rows = TaskFolder.Read(common.DataFolder(), split, new[] { task });

        using var checkpoint = PretrainedCheckpoint.LoadEmbeddedMiniLm();
        using var model = checkpoint.CreateModel();
        model.eval();
        var tokenizer = checkpoint.CreateTokenizer(128);
        var inputs = rows.Select(r => tokenizer.Encode(r.Text, r.Text2)).ToList();
        var batches = LengthBatches.Sorted(inputs.Select(i => i.Length).ToList(), batchSize)
            .Select(idx => idx.Select(i => inputs[i]).ToList()).ToList();
        var tokens = inputs.Sum(i => i.Length);

        RunStamp.Capture().PrintHeader();
        Console.WriteLine($"data: {task}/{split}.tsv, {inputs.Count} sentences, {tokens} tokens (mean {tokens / (double)inputs.Count:F1}), batch {batchSize}");

        double TimeTorch()
        {
            using var _ = no_grad();
            var clock = Stopwatch.StartNew();
            foreach (var b in batches)
            {
                using var scope = NewDisposeScope();
                using var batch = TokenBatch.Create(b, tokenizer.PaddingId);
                model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
            }
            return clock.Elapsed.TotalSeconds;
        }

        using var onnx = new Speed.OnnxMiniLm(Environment.ProcessorCount);
        double TimeOnnx()
        {
            var clock = Stopwatch.StartNew();
            foreach (var b in batches)
                onnx.Run(b, tokenizer.PaddingId);
            return clock.Elapsed.TotalSeconds;
        }

        // One warm-up pass each, then the best of `repeat` timed passes, alternating engines so drift hits both.
        TimeTorch();
        TimeOnnx();
        double torchBest = double.MaxValue, onnxBest = double.MaxValue;
        for (var r = 0; r < repeat; r++)
        {
            torchBest = Math.Min(torchBest, TimeTorch());
            onnxBest = Math.Min(onnxBest, TimeOnnx());
        }
        Console.WriteLine($"{"engine",-28} {"seconds",8} {"sentences/s",12} {"tokens/s",10}");
        Console.WriteLine($"{"TorchSharp encoder",-28} {torchBest,8:F2} {inputs.Count / torchBest,12:F1} {tokens / torchBest,10:F0}");
        Console.WriteLine($"{"ONNX Runtime (same graph)",-28} {onnxBest,8:F2} {inputs.Count / onnxBest,12:F1} {tokens / onnxBest,10:F0}");
        Console.WriteLine($"TorchSharp / ONNX Runtime throughput ratio: {onnxBest / torchBest:F2}");
        return 0;
    }
}
