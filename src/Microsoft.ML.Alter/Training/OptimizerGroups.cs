using TorchSharp.Modules;

namespace Microsoft.ML.Alter.Training;

/// <summary>AdamW parameter groups of a stage: each <see cref="ParameterGroup"/> split by whether its tensors decay.</summary>
internal static class OptimizerGroups
{
    /// <summary>
    /// Weight matrices decay; 1-D tensors (biases, LayerNorm scales, selector logits) do not, since shrinking them
    /// towards 0 only shifts or rescales activations. Empty halves are left out.
    /// </summary>
    public static List<(IReadOnlyList<Parameter> Parameters, double LearningRate, double WeightDecay)> Split(
        IReadOnlyList<ParameterGroup> groups, double weightDecay)
    {
        var split = new List<(IReadOnlyList<Parameter>, double, double)>();
        foreach (var group in groups)
        {
            var matrices = group.Parameters.Where(p => p.dim() >= 2).ToList();
            var vectors = group.Parameters.Where(p => p.dim() < 2).ToList();
            if (matrices.Count > 0)
                split.Add((matrices, group.LearningRate, weightDecay));
            if (vectors.Count > 0)
                split.Add((vectors, group.LearningRate, 0.0));
        }
        return split;
    }
}
