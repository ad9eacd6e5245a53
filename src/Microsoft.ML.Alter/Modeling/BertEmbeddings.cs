using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>Word + position + token-type embeddings, then LayerNorm and dropout (HF <c>embeddings.*</c>).</summary>
internal sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    // Field names are the Hugging Face parameter names: loading is a name-for-name copy.
    private readonly Embedding word_embeddings;
    private readonly Embedding position_embeddings;
    private readonly Embedding token_type_embeddings;
    private readonly LayerNorm LayerNorm;
    private readonly Dropout dropout;

    public BertEmbeddings(BertConfig config) : base("embeddings")
    {
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: 0);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <param name="inputIds">[batch, length] int64 token ids.</param>
    /// <param name="tokenTypeIds">[batch, length] int64 segment ids (0 for the first sentence, 1 for the second).</param>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var length = inputIds.shape[1];
        var positions = arange(length, dtype: int64, device: inputIds.device).unsqueeze(0);
        var sum = word_embeddings.forward(inputIds)
                  + position_embeddings.forward(positions)
                  + token_type_embeddings.forward(tokenTypeIds);
        return dropout.forward(LayerNorm.forward(sum)).MoveToOuterDisposeScope();
    }
}
