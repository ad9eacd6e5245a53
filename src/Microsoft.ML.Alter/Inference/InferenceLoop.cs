using Microsoft.ML.Alter.Text;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Inference;

/// <summary>
/// The one way this library runs a model for inference: eval mode (training mode restored afterwards), no autograd,
/// length-sorted batches so dynamic padding stays small, and every temporary of a batch released with it.
/// </summary>
internal static class InferenceLoop
{
    /// <param name="lengths">Token count of each row.</param>
    /// <param name="scoreBatch">Scores the rows with these indices; tensors it creates are disposed after it returns.</param>
    public static void Run(nn.Module model, IReadOnlyList<int> lengths, int batchSize, CancellationToken cancellation, Action<int[]> scoreBatch)
    {
        // A model already in eval mode is left untouched, so that threads scoring it side by side write nothing to it.
        var wasTraining = model.training;
        if (wasTraining)
            model.eval();
        try
        {
            using var _ = no_grad();
            foreach (var indices in LengthBatches.Sorted(lengths, batchSize))
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                scoreBatch(indices);
            }
        }
        finally
        {
            if (wasTraining)
                model.train();
        }
    }
}
