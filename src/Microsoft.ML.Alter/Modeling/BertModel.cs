using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// A BERT-family encoder whose parameter names are the Hugging Face BERT keys
/// (<c>embeddings.word_embeddings.weight</c>, <c>encoder.layer.0.attention.self.query.weight</c>, ...),
/// so pretrained checkpoints load by a name-for-name copy. The pooler is not part of it: ALTER's heads pool
/// for themselves.
/// </summary>
internal sealed class BertModel : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly BertEmbeddings embeddings;
    private readonly BertEncoder encoder;

    /// <param name="mixtureFor">Gives the mixture of task adapters of a layer index, or null for a plain layer.</param>
    public BertModel(BertConfig config, Func<int, MixtureOfTaskAdapters?>? mixtureFor = null) : base("bert")
    {
        config.Validate();
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config, mixtureFor);
        RegisterComponents();
    }

    public BertConfig Config { get; }

    public BertEncoder Encoder => encoder;

    /// <summary>Returns last_hidden_state, [batch, length, hidden].</summary>
    /// <param name="inputIds">[batch, length] int64.</param>
    /// <param name="attentionMask">[batch, length], 1 for real tokens and 0 for padding.</param>
    /// <param name="tokenTypeIds">[batch, length] int64.</param>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds)
        => forward(inputIds, attentionMask, tokenTypeIds, null);

    /// <param name="taskIds">[batch] int64 task index per row, needed when some layers mix task adapters.</param>
    public Tensor forward(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds, Tensor? taskIds)
    {
        using var scope = NewDisposeScope();
        var attendMask = AttendMask(attentionMask);
        var hidden = embeddings.forward(inputIds, tokenTypeIds);
        return encoder.forward(hidden, attendMask, taskIds).MoveToOuterDisposeScope();
    }

    /// <summary>[batch, 1, 1, length] bool mask that lets every query attend to real tokens only.</summary>
    public static Tensor AttendMask(Tensor attentionMask)
        => attentionMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1);
}
