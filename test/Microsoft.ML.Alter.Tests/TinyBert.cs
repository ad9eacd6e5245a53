using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Tests;

/// <summary>A small random BERT and its vocabulary, for tests that must not depend on a real checkpoint.</summary>
internal static class TinyBert
{
    public static readonly string[] Words =
    {
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "good", "bad", "movie", "film", "great", "awful",
        "i", "it", "was", "is", "not", "very", "what", "where", "who", "when", "how", "##s", "##ed", ".", ",", "!", "?",
    };

    public static string Vocabulary => string.Join('\n', Words) + "\n";

    public static BertConfig Config => new()
    {
        VocabSize = Words.Length, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64,
        MaxPositionEmbeddings = 64, TypeVocabSize = 2, HiddenAct = "gelu", LayerNormEps = 1e-12,
    };

    public static BertModel Create(long seed = 7)
    {
        TorchSharp.torch.manual_seed(seed);
        var model = new BertModel(Config);
        model.eval();
        return model;
    }

    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "alter-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
