using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// Shape of a BERT-family encoder, read from (and written as) the fields of a Hugging Face <c>config.json</c>.
/// </summary>
internal sealed record BertConfig
{
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 30522;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 12;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;
    /// <summary>"gelu" (exact, erf), "gelu_new"/"gelu_pytorch_tanh" (tanh approximation) or "relu".</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu";
    [JsonPropertyName("hidden_dropout_prob")] public double HiddenDropoutProb { get; init; } = 0.1;
    [JsonPropertyName("attention_probs_dropout_prob")] public double AttentionProbsDropoutProb { get; init; } = 0.1;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 512;
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; init; } = 2;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-12;
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "bert";

    /// <summary>all-MiniLM-L6-v2, the embedded default encoder.</summary>
    public static BertConfig MiniLmL6 { get; } = new()
    {
        VocabSize = 30522, HiddenSize = 384, NumHiddenLayers = 6, NumAttentionHeads = 12,
        IntermediateSize = 1536, HiddenAct = "gelu", MaxPositionEmbeddings = 512, TypeVocabSize = 2,
        LayerNormEps = 1e-12,
    };

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static BertConfig FromJson(string json, string source = "config.json")
    {
        BertConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<BertConfig>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {e.Message}", e);
        }
        if (config is null)
            throw new InvalidDataException($"{source} is empty.");
        config.Validate(source);
        return config;
    }

    public static BertConfig Load(string path) => FromJson(File.ReadAllText(path), path);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Throws when the numbers cannot describe a working encoder.</summary>
    public void Validate(string source = "config")
    {
        void Positive(int value, string name)
        {
            if (value <= 0) throw new InvalidDataException($"{source}: {name} must be positive, got {value}.");
        }
        Positive(VocabSize, "vocab_size");
        Positive(HiddenSize, "hidden_size");
        Positive(NumHiddenLayers, "num_hidden_layers");
        Positive(NumAttentionHeads, "num_attention_heads");
        Positive(IntermediateSize, "intermediate_size");
        Positive(MaxPositionEmbeddings, "max_position_embeddings");
        Positive(TypeVocabSize, "type_vocab_size");
        if (HiddenSize % NumAttentionHeads != 0)
            throw new InvalidDataException(
                $"{source}: hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}.");
        _ = Activations.Create(HiddenAct, source);
    }
}
