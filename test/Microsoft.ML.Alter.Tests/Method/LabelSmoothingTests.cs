using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.Alter.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>Label smoothing: each row's target keeps 1 − ε on its label and spreads ε evenly over its task's labels.</summary>
[TestClass]
public sealed class LabelSmoothingTests
{
    /// <summary>
    /// The smoothed loss of a row is (1 − ε)·(−log p_y) + ε·mean_k(−log p_k), computed here by hand from the heads'
    /// logits, over tasks with 2, 3 and 2 labels, averaged over the batch.
    /// </summary>
    [TestMethod]
    public void TheLossMatchesTheSmoothedCrossEntropyComputedByHand()
    {
        using var pretrained = TinyBert.Checkpoint();
        var train = SyntheticTasks.ThreeTasks(4, 2);
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(train), new MtaOptions { Layers = new[] { 1 } }, 32, seed: 3);
        model.eval(); // no dropout: the loss and the hand computation see the same logits
        var rows = Microsoft.ML.Alter.Inference.EncodedRows.FromExamples(model, train, "training");
        using var batch = TokenBatch.Create(rows.Inputs, model.Tokenizer.PaddingId, CPU);
        var tasks = rows.Tasks.ToArray();
        var labels = rows.Labels.ToArray();
        const double epsilon = 0.2;

        double expected;
        using (no_grad())
        {
            var pooled = model.Pooled(batch, tensor(tasks.Select(t => (long)t).ToArray()));
            double sum = 0;
            foreach (var (_, positions, logits) in model.HeadLogitsByTask(pooled, tasks))
            {
                var logProbabilities = logits.log_softmax(1);
                for (var i = 0; i < positions.Length; i++)
                {
                    var own = -logProbabilities[i, labels[positions[i]]].item<float>();
                    var uniform = -logProbabilities[i].mean().item<float>();
                    sum += (1 - epsilon) * own + epsilon * uniform;
                }
            }
            expected = sum / tasks.Length;
        }
        using var smoothed = MultiTaskLoss.Mean(model, batch, tasks, labels, epsilon);
        using var plain = MultiTaskLoss.Mean(model, batch, tasks, labels);
        Assert.AreEqual(expected, smoothed.item<float>(), 1e-5);
        Assert.AreNotEqual(plain.item<float>(), smoothed.item<float>(), 1e-4);
    }
}
