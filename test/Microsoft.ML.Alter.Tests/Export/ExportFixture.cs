using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests.Export;

/// <summary>
/// ALTER models over TinyBert with every weight moved off its initial value (selectors differ per task, adapters are not
/// zero, shared experts differ from the experts' mean), so that parity tests compare every part of the graph.
/// </summary>
internal static class ExportFixture
{
    public static readonly TaskSpec[] Tasks =
    {
        new("sentiment", new[] { "negative", "positive" }),
        new("topic", new[] { "money", "sports", "weather" }),
        new("question", new[] { "person", "place", "time" }),
        new("paraphrase", new[] { "different", "same" }),
    };

    public static AlterModel Create(ExpertKind kind = ExpertKind.FeedForwardCopy, bool stage2 = false, PoolingKind pooling = PoolingKind.Mean,
        PretrainedCheckpoint? pretrained = null, int sharedExperts = 1, double noise = 0.1, int? expertsPerTask = null)
    {
        using var tiny = pretrained is null ? TinyBert.Checkpoint() : null;
        var model = (pretrained ?? tiny!).CreateAlterModel(Tasks, new MtaOptions { Layers = pretrained is null ? new[] { 0, 1 } : null, ExpertKind = kind, Pooling = pooling, ExpertsPerTask = expertsPerTask },
            maxLength: pretrained is null ? 32 : 128, seed: 11);
        if (stage2)
            model.AddStage2(sharedExperts);
        manual_seed(12);
        using (no_grad())
            foreach (var p in model.parameters())
                p.add_(randn_like(p) * noise);
        model.eval();
        return model;
    }

    /// <summary>Rows of all four tasks, mixed: single sentences, pairs, a word outside the vocabulary, a text longer than the maximum length.</summary>
    public static List<TaskInput> Rows()
    {
        var examples = SyntheticTasks.ThreeTasks(perTask: 5, seed: 21).Concat(SyntheticTasks.Paraphrase(5, 22)).ToList();
        var rows = examples.Select(e => new TaskInput(e.Task, e.Text, e.Text2)).ToList();
        rows.Add(new TaskInput("topic", string.Join(' ', Enumerable.Repeat("news about the market and the bank", 12))));
        rows.Add(new TaskInput("sentiment", "Zyzzyva was ünïcödé, GOOD!"));
        rows.Add(new TaskInput("paraphrase", "the team won", string.Join(' ', Enumerable.Repeat("the team beat the bank today", 10))));
        // Interleave tasks so that every batch mixes them.
        return rows.Select((r, i) => (r, key: (i * 7919) % rows.Count)).OrderBy(p => p.key).Select(p => p.r).ToList();
    }

    public static InferenceSession Session(byte[] onnx)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        return new InferenceSession(onnx, options);
    }
}
