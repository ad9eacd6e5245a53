using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Training;

/// <summary>
/// The training objective of a mixed-task batch: each task's head scores its own rows, and the cross-entropies of all
/// rows are averaged over the batch (so a task weighs by how many of its rows the batch holds).
/// </summary>
internal static class MultiTaskLoss
{
    /// <param name="rowTasks">Task index of each row of <paramref name="batch"/>.</param>
    /// <param name="rowLabels">Label index of each row, within its task's labels.</param>
    /// <param name="labelSmoothing">Share of each row's target spread evenly over its task's labels (0: plain cross-entropy).</param>
    /// <returns>A scalar in the caller's dispose scope, with autograd when the model's parameters require it.</returns>
    public static Tensor Mean(AlterModel model, TokenBatch batch, IReadOnlyList<int> rowTasks, IReadOnlyList<int> rowLabels,
        double labelSmoothing = 0)
    {
        var device = batch.InputIds.device;
        var pooled = model.Pooled(batch, tensor(rowTasks.Select(t => (long)t).ToArray(), device: device));
        Tensor? loss = null;
        foreach (var (_, positions, logits) in model.HeadLogitsByTask(pooled, rowTasks))
        {
            var labels = tensor(positions.Select(p => (long)rowLabels[p]).ToArray(), device: device);
            var taskLoss = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum, label_smoothing: labelSmoothing);
            loss = loss is null ? taskLoss : loss + taskLoss;
        }
        return loss! / rowTasks.Count;
    }
}
