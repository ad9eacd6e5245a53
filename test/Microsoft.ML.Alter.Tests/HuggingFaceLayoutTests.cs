using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.MiniLM;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests;

/// <summary>
/// Checkpoints as Hugging Face writes them (not as this library does), and where the embedded MiniLM is looked for.
/// </summary>
[TestClass]
public sealed class HuggingFaceLayoutTests
{
    // A config.json as transformers writes it for a tiny BERT: the fields the loader reads among many it does not.
    private static string ConfigJson => $$"""
        {
          "_name_or_path": "tiny-bert", "architectures": ["BertForSequenceClassification"], "attention_probs_dropout_prob": 0.1,
          "classifier_dropout": null, "gradient_checkpointing": false, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
          "hidden_size": 32, "initializer_range": 0.02, "intermediate_size": 64, "layer_norm_eps": 1e-12,
          "max_position_embeddings": 64, "model_type": "bert", "num_attention_heads": 4, "num_hidden_layers": 2,
          "pad_token_id": 0, "position_embedding_type": "absolute", "torch_dtype": "float16", "transformers_version": "4.44.2",
          "type_vocab_size": 2, "use_cache": true, "vocab_size": {{TinyBert.Words.Length}}
        }
        """;

    [TestMethod]
    [DataRow("bert.")]
    [DataRow("model.")]
    [DataRow("")]
    public void Fp16CheckpointInHuggingFacesKeyLayoutLoads(string prefix)
    {
        using var original = TinyBert.Create(seed: 21);
        var folder = TinyBert.TempFolder();
        File.WriteAllText(Path.Combine(folder, "config.json"), ConfigJson);
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), TinyBert.Vocabulary);
        // No tokenizer_config.json: BertTokenizer's default (lower case) applies.
        var weights = new Dictionary<string, Tensor>();
        foreach (var (key, value) in original.state_dict())
        {
            // transformers < 4.31 and TF conversions keep LayerNorm.gamma / beta (bert-base-uncased still does).
            var name = key.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta");
            weights[prefix + name] = value.to(ScalarType.Float16);
        }
        weights[prefix + "embeddings.position_ids"] = arange(64L).unsqueeze(0);
        weights[prefix + "pooler.dense.weight"] = zeros(32, 32, ScalarType.Float16);
        weights[prefix + "pooler.dense.bias"] = zeros(32, ScalarType.Float16);
        weights["classifier.weight"] = zeros(2, 32, ScalarType.Float16);
        weights["classifier.bias"] = zeros(2, ScalarType.Float16);
        Safetensors.SaveStateDict(Path.Combine(folder, "model.safetensors"), weights);

        using var checkpoint = PretrainedCheckpoint.Load(folder);
        Assert.AreEqual(TinyBert.Config, checkpoint.Config);
        Assert.IsTrue(checkpoint.LowerCase);
        Assert.IsTrue(checkpoint.Weights.Values.Where(t => t.is_floating_point()).All(t => t.dtype == ScalarType.Float32), "fp16 is widened");
        using var reloaded = checkpoint.CreateModel(out var report);
        reloaded.eval();
        Assert.AreEqual(0, report.Unexpected.Count, string.Join(", ", report.Unexpected));
        Assert.AreEqual(original.state_dict().Count, report.Loaded.Count);
        CollectionAssert.AreEquivalent(new[] { prefix + "embeddings.position_ids", prefix + "pooler.dense.weight", prefix + "pooler.dense.bias", "classifier.weight", "classifier.bias" },
            report.Ignored.ToArray());

        // The reference: the original encoder with its weights rounded to fp16 exactly as stored.
        using (no_grad())
            foreach (var (_, p) in original.named_parameters())
                p.copy_(p.to(ScalarType.Float16).to(ScalarType.Float32));
        var tokenizer = checkpoint.CreateTokenizer(32);
        CollectionAssert.AreEqual(HuggingFaceCheckpointTests.Run(original, tokenizer), HuggingFaceCheckpointTests.Run(reloaded, tokenizer));
    }

    [TestMethod]
    public void EmbeddedMiniLmIsLookedForBesideTheAppThenBesideItsAssemblyThenInsideItsPackage()
    {
        var root = TinyBert.TempFolder();
        var assembly = Path.Combine(root, "packages", "microsoft.ml.alter.minilm", "0.1.0", "lib", "netstandard2.0", "Microsoft.ML.Alter.MiniLM.dll");
        var expected = new[]
        {
            Path.Combine(root, "app", MiniLmFolder.Name),
            Path.Combine(Path.GetDirectoryName(assembly)!, MiniLmFolder.Name),
            Path.Combine(root, "packages", "microsoft.ml.alter.minilm", "0.1.0", "data", MiniLmFolder.Name),
        };
        CollectionAssert.AreEqual(expected, MiniLmFolder.Candidates(Path.Combine(root, "app"), assembly).ToArray());
        CollectionAssert.AreEqual(expected[..1], MiniLmFolder.Candidates(Path.Combine(root, "app"), "").ToArray(), "single-file app: no assembly location");

        // The first complete folder wins; a folder missing a file is passed over.
        void Complete(string folder)
        {
            Directory.CreateDirectory(folder);
            foreach (var file in new[] { "config.json", "model.safetensors", "vocab.txt" })
                File.WriteAllText(Path.Combine(folder, file), "");
        }
        Complete(expected[1]);
        Complete(expected[2]);
        Assert.AreEqual(expected[1], MiniLmFolder.Locate(expected));
        Complete(expected[0]);
        File.Delete(Path.Combine(expected[0], "vocab.txt"));
        Assert.AreEqual(expected[1], MiniLmFolder.Locate(expected), "incomplete folder beside the app is passed over");
        File.WriteAllText(Path.Combine(expected[0], "vocab.txt"), "");
        Assert.AreEqual(expected[0], MiniLmFolder.Locate(expected));
        Directory.Delete(expected[0], true);
        Directory.Delete(expected[1], true);
        Assert.AreEqual(expected[2], MiniLmFolder.Locate(expected));
        Directory.Delete(expected[2], true);
        var missing = Assert.ThrowsExactly<DirectoryNotFoundException>(() => MiniLmFolder.Locate(expected));
        foreach (var place in expected)
            StringAssert.Contains(missing.Message, place);
    }
}
