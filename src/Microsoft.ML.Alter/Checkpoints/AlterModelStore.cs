using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.Alter.Modeling;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Checkpoints;

/// <summary>
/// Saves an <see cref="AlterModel"/> to one self-contained stream and loads it back: a zip holding
/// <c>alter.json</c> (format version and model config: encoder shape, MTA options, tasks and label sets),
/// <c>vocab.txt</c> and <c>model.safetensors</c> (every weight, by its module name). Nothing outside the stream is
/// needed to load it, so the ML.NET layer can embed it in its own .zip.
/// </summary>
public static class AlterModelStore
{
    /// <summary>
    /// 2: digests of the configuration and vocabulary beside the weights' (a changed vocab.txt loaded silently with other
    /// scores). Format 1 (weights digest only) is still read.
    /// </summary>
    public const int FormatVersion = 2;
    private const string ConfigEntry = "alter.json";
    private const string VocabularyEntry = "vocab.txt";
    private const string WeightsEntry = "model.safetensors";

    public static void Save(AlterModel model, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.ThrowIfDisposed();
        using var weights = new MemoryStream();
        // The state dict's tensors are the live parameters; Safetensors copies their bytes out.
        Safetensors.SaveStateDict(weights, model.state_dict(), leaveOpen: true);
        var weightBytes = weights.ToArray();
        var vocabularyBytes = Encoding.UTF8.GetBytes(model.Vocabulary);
        var config = JsonNode.Parse(model.Config.ToJson())!;
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        // A digest of every part: a damaged or edited entry would otherwise load as a model that scores differently.
        var header = new JsonObject
        {
            ["format"] = FormatVersion,
            ["weights_sha256"] = Digest(weightBytes),
            ["vocab_sha256"] = Digest(vocabularyBytes),
            ["model_sha256"] = Digest(ConfigBytes(config)),
            ["model"] = config,
        };
        Write(zip, ConfigEntry, Encoding.UTF8.GetBytes(header.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })));
        Write(zip, VocabularyEntry, vocabularyBytes);
        Write(zip, WeightsEntry, weightBytes, CompressionLevel.NoCompression);
    }

    public static void Save(AlterModel model, string path)
    {
        // Write beside the target and move into place, so a failure never leaves half a model under the real name.
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var file = File.Create(temporary))
                Save(model, file);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    /// <param name="source">Names the stream in error messages.</param>
    public static AlterModel Load(Stream stream, string source = "ALTER model stream")
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source} is not an ALTER model (not a zip archive, or a truncated one): {e.Message}", e);
        }
        using (zip)
        {
            JsonObject header;
            try
            {
                header = JsonNode.Parse(ReadText(zip, ConfigEntry, source)) as JsonObject
                         ?? throw new InvalidDataException($"{source}: {ConfigEntry} is not a JSON object.");
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new InvalidDataException($"{source}: {ConfigEntry} is not valid JSON: {e.Message}", e);
            }
            var format = ReadFormat(header, source);
            var configNode = header["model"] ?? throw new InvalidDataException($"{source}: {ConfigEntry} has no model configuration.");
            var vocabularyBytes = ReadBytes(zip, VocabularyEntry, source);
            var weightBytes = ReadBytes(zip, WeightsEntry, source);
            CheckDigest(header, "weights_sha256", weightBytes, WeightsEntry, source);
            if (format >= 2)
            {
                CheckDigest(header, "vocab_sha256", vocabularyBytes, VocabularyEntry, source);
                CheckDigest(header, "model_sha256", ConfigBytes(configNode), $"the model configuration in {ConfigEntry}", source);
            }
            var config = AlterModelConfig.FromJson(configNode.ToJsonString(), source);
            var vocabulary = Encoding.UTF8.GetString(vocabularyBytes);
            var model = new AlterModel(config, vocabulary);
            try
            {
                using var weightsStream = new MemoryStream(weightBytes, writable: false);
                Dictionary<string, Tensor> weights;
                try
                {
                    weights = Safetensors.LoadStateDict(weightsStream, leaveOpen: true);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw new InvalidDataException($"{source}: {WeightsEntry} is damaged: {e.Message}", e);
                }
                try
                {
                    var report = StateDictLoader.Load(model, weights, $"{source} ({WeightsEntry})", normalizeKeys: false);
                    if (report.Unexpected.Count > 0 || report.Ignored.Count > 0)
                        throw new InvalidDataException(
                            $"{source}: {WeightsEntry} holds tensors this model does not have: {string.Join(", ", report.Unexpected.Concat(report.Ignored).Take(10))}.");
                }
                finally
                {
                    foreach (var t in weights.Values)
                        t.Dispose();
                }
                model.eval();
                return model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
    }

    public static AlterModel Load(string path)
    {
        using var file = File.OpenRead(path);
        return Load(file, path);
    }

    private static int ReadFormat(JsonObject header, string source)
    {
        int format;
        try
        {
            format = header["format"]?.GetValue<int>() ?? 0;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{source}: the format in {ConfigEntry} is not a number.", e);
        }
        if (format is < 1 or > FormatVersion)
            throw new InvalidDataException($"{source} has ALTER model format {format}; this version of Microsoft.ML.Alter reads formats 1 to {FormatVersion}.");
        return format;
    }

    private static string Digest(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    // The configuration is digested as compact JSON re-written from the parsed node, so the digest does not depend on the
    // indentation of alter.json; any change of a value changes it.
    private static byte[] ConfigBytes(JsonNode config) => Encoding.UTF8.GetBytes(config.ToJsonString());

    private static void CheckDigest(JsonObject header, string key, byte[] bytes, string what, string source)
    {
        string? saved;
        try
        {
            saved = header[key]?.GetValue<string>();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"{source}: the {key} digest in {ConfigEntry} is not a string.", e);
        }
        if (!string.Equals(saved, Digest(bytes), StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{source}: {what} does not match the digest saved with it: the model is damaged.");
    }

    private static void Write(ZipArchive zip, string name, byte[] bytes, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var entry = zip.CreateEntry(name, level).Open();
        entry.Write(bytes);
    }

    private static byte[] ReadBytes(ZipArchive zip, string name, string source)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"{source} has no '{name}': it is not an ALTER model, or it is incomplete.");
        try
        {
            using var input = entry.Open();
            using var copy = new MemoryStream();
            input.CopyTo(copy);
            return copy.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{source}: '{name}' is damaged: {e.Message}", e);
        }
    }

    private static string ReadText(ZipArchive zip, string name, string source) => Encoding.UTF8.GetString(ReadBytes(zip, name, source));
}
