using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Training;

/// <summary>One optimisation step on a batch of rows: loss, backward, gradient clipping, optimizer step.</summary>
internal static class TrainingStep
{
    /// <param name="indices">Rows of <paramref name="rows"/> that form the batch.</param>
    /// <param name="maxGradNorm">Gradients of <paramref name="trainable"/> are scaled to at most this global L2 norm.</param>
    /// <returns>The batch's mean loss before the step.</returns>
    public static double Run(AlterModel model, EncodedRows rows, int[] indices, optim.Optimizer optimizer,
        IReadOnlyList<Parameter> trainable, double maxGradNorm, Device device, double labelSmoothing = 0)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        using var batch = TokenBatch.Create(indices.Select(i => rows.Inputs[i]).ToList(), model.Tokenizer.PaddingId, device);
        var mean = MultiTaskLoss.Mean(model, batch, indices.Select(i => rows.Tasks[i]).ToArray(), indices.Select(i => rows.Labels[i]).ToArray(), labelSmoothing);
        mean.backward();
        nn.utils.clip_grad_norm_(trainable, maxGradNorm);
        optimizer.step();
        var value = mean.item<float>();
        if (!float.IsFinite(value))
            throw new InvalidOperationException($"The training loss became {value}; lower the learning rate.");
        return value;
    }
}
