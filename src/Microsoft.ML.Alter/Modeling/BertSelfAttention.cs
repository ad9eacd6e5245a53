using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>Multi-head self-attention projections (HF <c>attention.self.{query,key,value}</c>).</summary>
internal sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly double _dropout;

    public BertSelfAttention(BertConfig config) : base("self")
    {
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        _heads = config.NumAttentionHeads;
        _headSize = config.HiddenSize / config.NumAttentionHeads;
        _dropout = config.AttentionProbsDropoutProb;
        RegisterComponents();
    }

    /// <param name="hidden">[batch, length, hidden].</param>
    /// <param name="attendMask">[batch, 1, 1, length] bool, true where a key is a real token.</param>
    public override Tensor forward(Tensor hidden, Tensor attendMask)
    {
        using var scope = NewDisposeScope();
        var batch = hidden.shape[0];
        var length = hidden.shape[1];
        Tensor Heads(Linear projection) =>
            projection.forward(hidden).view(batch, length, _heads, _headSize).transpose(1, 2);
        // The fused kernel does softmax(QK^T/sqrt(d) masked)V without materialising more than it must.
        var context = nn.functional.scaled_dot_product_attention(
            Heads(query), Heads(key), Heads(value), attendMask, training ? _dropout : 0.0, false);
        return context.transpose(1, 2).reshape(batch, length, _heads * _headSize).MoveToOuterDisposeScope();
    }
}
