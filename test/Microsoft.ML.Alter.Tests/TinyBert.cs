using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Tests;

/// <summary>A small random BERT and its vocabulary, for tests that must not depend on a real checkpoint.</summary>
internal static class TinyBert
{
    public static readonly string[] Words = new[]
        {
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "a", "good", "bad", "movie", "film", "great", "awful",
            "i", "it", "was", "is", "not", "very", "what", "where", "who", "when", "how", "##s", "##ed", ".", ",", "!", "?",
        }
        .Concat(SyntheticTasks.Words())
        .Distinct()
        .ToArray();

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

    /// <summary>A random tiny BERT as a pretrained checkpoint (written to a Hugging Face folder and read back).</summary>
    public static Microsoft.ML.Alter.Checkpoints.PretrainedCheckpoint Checkpoint(long seed = 7)
    {
        var folder = TempFolder();
        using (var model = Create(seed))
            Microsoft.ML.Alter.Checkpoints.PretrainedCheckpoint.SaveHuggingFaceFolder(model, Vocabulary, lowerCase: true, folder);
        return Microsoft.ML.Alter.Checkpoints.PretrainedCheckpoint.Load(folder);
    }

    /// <summary><paramref name="examples"/> encoded as training rows by a one-mixture model over their tasks.</summary>
    public static EncodedRows TrainingRows(IReadOnlyList<LabeledExample> examples)
    {
        using var pretrained = Checkpoint();
        using var model = pretrained.CreateAlterModel(TaskSpec.FromExamples(examples), new MtaOptions { Layers = new[] { 1 } }, 32);
        return EncodedRows.FromExamples(model, examples, "training");
    }

    public static string TempFolder()
    {
        var path = Path.Combine(TestTempRoot.Path, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
