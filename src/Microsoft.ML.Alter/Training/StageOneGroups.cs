using Microsoft.ML.Alter.Modeling;
using TorchSharp.Modules;

namespace Microsoft.ML.Alter.Training;

/// <summary>
/// Stage 1's parameter groups: the fresh heads and selector logits at <see cref="StageOptions.HeadLearningRate"/>; the
/// experts at <see cref="StageOptions.ExpertLearningRate"/>; the rest of the encoder at
/// <see cref="StageOptions.LearningRate"/>. With <see cref="StageOptions.LayerDecay"/> below 1, each layer's rate is
/// its upper neighbour's times the decay (experts take their layer's factor, the embeddings one more), so the lower
/// layers, which hold the most general features, move least.
/// </summary>
internal static class StageOneGroups
{
    public static IReadOnlyList<ParameterGroup> Of(AlterModel model, StageOptions stage)
    {
        var fast = model.Mixtures.SelectMany(m => m.Selector.parameters()).Concat(model.Heads.SelectMany(h => h.parameters())).ToList();
        var groups = new List<ParameterGroup> { new(fast, stage.HeadLearningRate) };
        var experts = model.Mixtures.SelectMany(m => m.Experts.SelectMany(e => e.parameters())).ToHashSet();
        var layers = model.Bert.Encoder.Layers;
        var placed = fast.Concat(experts).ToHashSet();
        for (var i = layers.Count - 1; i >= 0; i--)
        {
            var factor = Math.Pow(stage.LayerDecay, layers.Count - 1 - i);
            var own = layers[i].parameters().ToList();
            var layerExperts = own.Where(experts.Contains).ToList();
            var rest = own.Where(p => !placed.Contains(p)).ToList();
            placed.UnionWith(rest);
            if (layerExperts.Count > 0)
                groups.Add(new(layerExperts, (stage.ExpertLearningRate ?? stage.LearningRate) * factor));
            if (rest.Count > 0)
                groups.Add(new(rest, stage.LearningRate * factor));
        }
        // The embeddings (and anything else outside the layers) sit below the first layer.
        var below = model.parameters().Where(p => !placed.Contains(p)).ToList();
        if (below.Count > 0)
            groups.Add(new(below, stage.LearningRate * Math.Pow(stage.LayerDecay, layers.Count)));
        return groups;
    }
}
