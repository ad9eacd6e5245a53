using Microsoft.ML.Alter.MiniLM;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests;

[TestClass]
public sealed class HuggingFaceCheckpointTests
{
    /// <summary>The encoder's outputs for a sentence and a pair, flattened.</summary>
    internal static float[] Run(BertModel model, BertTextTokenizer tokenizer)
    {
        using var _ = no_grad();
        using var batch = TokenBatch.Create(new[] { tokenizer.Encode("the movie was good !"), tokenizer.Encode("what is it ?", "a film") });
        using var output = model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds);
        return output.data<float>().ToArray();
    }

    [TestMethod]
    public void FolderWrittenByAModuleReloadsToTheSameOutputs()
    {
        var folder = TinyBert.TempFolder();
        using var original = TinyBert.Create();
        PretrainedCheckpoint.SaveHuggingFaceFolder(original, TinyBert.Vocabulary, lowerCase: true, folder);

        using var checkpoint = PretrainedCheckpoint.Load(folder);
        Assert.AreEqual(TinyBert.Config, checkpoint.Config);
        using var reloaded = checkpoint.CreateModel(out var report);
        reloaded.eval();
        Assert.AreEqual(original.state_dict().Count, report.Loaded.Count);
        Assert.AreEqual(0, report.Unexpected.Count);
        var tokenizer = checkpoint.CreateTokenizer(32);
        CollectionAssert.AreEqual(Run(original, tokenizer), Run(reloaded, tokenizer));
        Assert.IsTrue(checkpoint.LowerCase);
    }

    [TestMethod]
    public void PrefixedKeysLoadAndPretrainingHeadsAreIgnored()
    {
        var folder = TinyBert.TempFolder();
        using var original = TinyBert.Create(seed: 11);
        PretrainedCheckpoint.SaveHuggingFaceFolder(original, TinyBert.Vocabulary, lowerCase: false, folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{\"do_lower_case\": false}");
        // Rewrite the weights as BertForPreTraining names them: "bert." prefix, plus a pooler and an MLM head.
        var prefixed = original.state_dict().ToDictionary(kv => "bert." + kv.Key, kv => kv.Value);
        prefixed["bert.pooler.dense.weight"] = zeros(32, 32);
        prefixed["cls.predictions.bias"] = zeros(TinyBert.Words.Length);
        Safetensors.SaveStateDict(Path.Combine(folder, "model.safetensors"), prefixed);

        using var checkpoint = PretrainedCheckpoint.Load(folder);
        Assert.IsFalse(checkpoint.LowerCase);
        using var reloaded = checkpoint.CreateModel(out var report);
        reloaded.eval();
        CollectionAssert.AreEquivalent(new[] { "bert.pooler.dense.weight", "cls.predictions.bias" }, report.Ignored.ToArray());
        var tokenizer = checkpoint.CreateTokenizer(32);
        CollectionAssert.AreEqual(Run(original, tokenizer), Run(reloaded, tokenizer));
    }

    [TestMethod]
    public void RobertaStylePrefixIsAccepted()
    {
        Assert.AreEqual("encoder.layer.0.output.dense.weight", StateDictLoader.NormalizeKey("roberta.encoder.layer.0.output.dense.weight"));
        Assert.AreEqual("embeddings.LayerNorm.bias", StateDictLoader.NormalizeKey("bert.embeddings.LayerNorm.bias"));
        Assert.AreEqual("embeddings.LayerNorm.bias", StateDictLoader.NormalizeKey("embeddings.LayerNorm.bias"));
    }

    [TestMethod]
    public void MissingKeyFailsNamingIt()
    {
        var folder = TinyBert.TempFolder();
        using var original = TinyBert.Create();
        PretrainedCheckpoint.SaveHuggingFaceFolder(original, TinyBert.Vocabulary, lowerCase: true, folder);
        var weights = original.state_dict();
        weights.Remove("encoder.layer.1.output.dense.bias");
        weights["encoder.layer.1.output.dense.biass"] = zeros(32);
        Safetensors.SaveStateDict(Path.Combine(folder, "model.safetensors"), weights);

        using var checkpoint = PretrainedCheckpoint.Load(folder);
        var error = Assert.ThrowsExactly<InvalidDataException>(() => checkpoint.CreateModel());
        StringAssert.Contains(error.Message, "encoder.layer.1.output.dense.bias");
        StringAssert.Contains(error.Message, "encoder.layer.1.output.dense.biass", "keys that match nothing are named too");
        StringAssert.Contains(error.Message, "model.safetensors");
    }

    [TestMethod]
    public void ShapeMismatchFailsNamingTheTensorAndBothShapes()
    {
        var folder = TinyBert.TempFolder();
        using var original = TinyBert.Create();
        PretrainedCheckpoint.SaveHuggingFaceFolder(original, TinyBert.Vocabulary, lowerCase: true, folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), (TinyBert.Config with { IntermediateSize = 48 }).ToJson());

        using var checkpoint = PretrainedCheckpoint.Load(folder);
        var error = Assert.ThrowsExactly<InvalidDataException>(() => checkpoint.CreateModel());
        StringAssert.Contains(error.Message, "intermediate.dense.weight");
        StringAssert.Contains(error.Message, "[64, 32]");
        StringAssert.Contains(error.Message, "[48, 32]");
    }

    [TestMethod]
    public void MissingFilesAndFoldersAreNamed()
    {
        var folder = TinyBert.TempFolder();
        var noConfig = Assert.ThrowsExactly<FileNotFoundException>(() => PretrainedCheckpoint.Load(folder));
        StringAssert.Contains(noConfig.Message, "config.json");
        var nowhere = Path.Combine(folder, "does-not-exist");
        var noFolder = Assert.ThrowsExactly<DirectoryNotFoundException>(() => PretrainedCheckpoint.Load(nowhere));
        StringAssert.Contains(noFolder.Message, nowhere);
    }

    [TestMethod]
    public void BadConfigIsRejectedWithTheFieldName()
    {
        var error = Assert.ThrowsExactly<InvalidDataException>(() => BertConfig.FromJson("{\"hidden_size\": 100, \"num_attention_heads\": 12}"));
        StringAssert.Contains(error.Message, "num_attention_heads");
        var act = Assert.ThrowsExactly<InvalidDataException>(() => BertConfig.FromJson("{\"hidden_act\": \"swish\"}"));
        StringAssert.Contains(act.Message, "swish");
        var json = Assert.ThrowsExactly<InvalidDataException>(() => BertConfig.FromJson("{not json"));
        StringAssert.Contains(json.Message, "config.json");
        Assert.AreEqual("config.json is empty.", Assert.ThrowsExactly<InvalidDataException>(() => BertConfig.FromJson("null")).Message);
        foreach (var field in new[] { "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "max_position_embeddings", "type_vocab_size" })
            foreach (var value in new[] { 0, -3 })
                Assert.AreEqual($"my.json: {field} must be positive, got {value}.",
                    Assert.ThrowsExactly<InvalidDataException>(() => BertConfig.FromJson($"{{\"{field}\": {value}}}", "my.json")).Message);
        // The smallest valid value of each passes.
        BertConfig.FromJson("""{"vocab_size": 1, "hidden_size": 1, "num_hidden_layers": 1, "num_attention_heads": 1, "intermediate_size": 1, "max_position_embeddings": 1, "type_vocab_size": 1}""");
    }

    [TestMethod]
    public void ConfigReadsHuggingFaceFields()
    {
        const string json = """
        {"architectures": ["BertModel"], "hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12,
         "intermediate_size": 1536, "hidden_act": "gelu", "layer_norm_eps": 1e-12, "vocab_size": 30522,
         "max_position_embeddings": 512, "type_vocab_size": 2, "model_type": "bert"}
        """;
        Assert.AreEqual(BertConfig.MiniLmL6, BertConfig.FromJson(json));
    }

    [TestMethod]
    public void MissingMiniLmFolderSaysWhereItLookedAndWhatToDo()
    {
        var error = Assert.ThrowsExactly<DirectoryNotFoundException>(() => MiniLmFolder.Locate(new[] { "/nonexistent/all-MiniLM-L6-v2" }));
        StringAssert.Contains(error.Message, "Microsoft.ML.Alter.MiniLM");
        StringAssert.Contains(error.Message, "/nonexistent/all-MiniLM-L6-v2");
        StringAssert.Contains(error.Message, "Hugging Face checkpoint folder");
    }

    [TestMethod]
    public void EmbeddedMiniLmIsTheFolderBesideTheApplicationWithItsLicence()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, PretrainedCheckpoint.EmbeddedMiniLmName);
        Assert.AreEqual(Path.Combine(folder, "model.safetensors"), MiniLmFixture.Checkpoint.Source);
        Assert.AreEqual(BertConfig.MiniLmL6, MiniLmFixture.Checkpoint.Config);
        Assert.IsTrue(MiniLmFixture.Checkpoint.LowerCase);
        StringAssert.StartsWith(MiniLmFixture.Checkpoint.Vocabulary, "[PAD]\n");
        StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "LICENSE-Apache-2.0.txt")), "Apache License");
        StringAssert.Contains(File.ReadAllText(Path.Combine(folder, "NOTICE.md")), "sentence-transformers");
    }
}
