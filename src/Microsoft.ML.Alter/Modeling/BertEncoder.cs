using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>The stack of transformer blocks (HF <c>encoder.layer.*</c>).</summary>
internal sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config, Func<int, MixtureOfTaskAdapters?>? mixtureFor = null) : base("encoder")
    {
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(i => new BertLayer(config, i, mixtureFor?.Invoke(i))).ToArray());
        RegisterComponents();
    }

    public IReadOnlyList<BertLayer> Layers => layer.ToList();

    public override Tensor forward(Tensor hidden, Tensor attendMask) => forward(hidden, attendMask, null);

    public Tensor forward(Tensor hidden, Tensor attendMask, Tensor? taskIds)
    {
        using var scope = NewDisposeScope();
        var h = hidden;
        foreach (var block in layer)
            h = block.forward(h, attendMask, taskIds);
        return h.MoveToOuterDisposeScope();
    }
}
