using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Checkpoints;

/// <summary>What a checkpoint load copied, and what it passed over.</summary>
internal sealed record LoadReport(
    string Source,
    IReadOnlyList<string> Loaded,
    IReadOnlyList<string> Ignored,
    IReadOnlyList<string> Unexpected)
{
    public override string ToString()
        => $"{Source}: loaded {Loaded.Count} tensors"
           + (Ignored.Count > 0 ? $", ignored {Ignored.Count} not used by the encoder ({string.Join(", ", Ignored.Take(5))}{(Ignored.Count > 5 ? ", ..." : "")})" : "")
           + (Unexpected.Count > 0 ? $", {Unexpected.Count} unexpected ({string.Join(", ", Unexpected.Take(5))}{(Unexpected.Count > 5 ? ", ..." : "")})" : "");
}

/// <summary>
/// Copies checkpoint tensors into a module's parameters name for name. Checkpoint keys are normalised first:
/// a model prefix (<c>bert.</c>, <c>roberta.</c>, ...) is dropped, so BERT and RoBERTa-style checkpoints that
/// differ only by prefix both load.
/// </summary>
internal static class StateDictLoader
{
    private static readonly string[] ModelPrefixes = { "bert.", "roberta.", "model.", "encoder_model." };

    // Parts of pretraining checkpoints that the encoder has no use for: not an error to find them.
    private static readonly string[] IgnoredPrefixes =
        { "pooler.", "cls.", "lm_head.", "classifier.", "qa_outputs.", "embeddings.position_ids" };

    /// <summary>
    /// Drops a known model prefix from a checkpoint key, and renames the TensorFlow-era LayerNorm names
    /// (<c>LayerNorm.gamma</c> / <c>LayerNorm.beta</c>, still in e.g. bert-base-uncased's safetensors) to
    /// <c>weight</c> / <c>bias</c>, as Hugging Face's loader does.
    /// </summary>
    public static string NormalizeKey(string key)
    {
        foreach (var prefix in ModelPrefixes)
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                key = key[prefix.Length..];
                break;
            }
        if (key.EndsWith("LayerNorm.gamma", StringComparison.Ordinal))
            return key[..^"gamma".Length] + "weight";
        if (key.EndsWith("LayerNorm.beta", StringComparison.Ordinal))
            return key[..^"beta".Length] + "bias";
        return key;
    }

    /// <summary>
    /// Loads <paramref name="weights"/> into <paramref name="module"/>. Every parameter and buffer the module has must
    /// be found (else <see cref="InvalidDataException"/> naming the missing keys); shapes must match.
    /// </summary>
    /// <param name="targetsOf">
    /// Optional: maps a normalised checkpoint key to the module keys it initialises (for example one pretrained FFN
    /// copied into several experts). By default a key initialises the parameter of the same name.
    /// </param>
    /// <param name="normalizeKeys">False to match keys exactly (a model's own saved weights).</param>
    /// <param name="initialisedElsewhere">
    /// Optional: module keys a checkpoint is not expected to hold (new parameters that keep their own initialisation).
    /// </param>
    public static LoadReport Load(
        nn.Module module,
        IReadOnlyDictionary<string, Tensor> weights,
        string source,
        Func<string, IEnumerable<string>>? targetsOf = null,
        Func<string, bool>? initialisedElsewhere = null,
        bool normalizeKeys = true)
    {
        var targets = module.state_dict();
        var loaded = new HashSet<string>(StringComparer.Ordinal);
        var ignored = new List<string>();
        var unexpected = new List<string>();
        using (no_grad())
        {
            foreach (var (rawKey, tensor) in weights)
            {
                var key = normalizeKeys ? NormalizeKey(rawKey) : rawKey;
                var names = targetsOf?.Invoke(key).ToList() ?? new List<string> { key };
                var matched = false;
                foreach (var name in names)
                {
                    if (!targets.TryGetValue(name, out var target))
                        continue;
                    if (!target.shape.SequenceEqual(tensor.shape))
                        throw new InvalidDataException(
                            $"{source}: tensor '{rawKey}' has shape [{string.Join(", ", tensor.shape)}] but '{name}' needs "
                            + $"[{string.Join(", ", target.shape)}]. Is config.json the one that goes with these weights?");
                    target.copy_(tensor);
                    loaded.Add(name);
                    matched = true;
                }
                if (matched)
                    continue;
                if (IgnoredPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
                    ignored.Add(rawKey);
                else
                    unexpected.Add(rawKey);
            }
        }
        var missing = targets.Keys.Where(k => !loaded.Contains(k) && initialisedElsewhere?.Invoke(k) != true).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"{source} lacks {missing.Count} tensor(s) the encoder needs: {string.Join(", ", missing.Take(10))}"
                + (missing.Count > 10 ? ", ..." : "")
                + (unexpected.Count > 0 ? $". Keys it has that match nothing: {string.Join(", ", unexpected.Take(10))}" : "")
                + ".");
        return new LoadReport(source, loaded.Order(StringComparer.Ordinal).ToList(), ignored, unexpected);
    }
}
