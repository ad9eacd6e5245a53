using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Export;

/// <summary>
/// What a consumer needs to serve an exported file without this library, stored in the ONNX file's
/// <c>metadata_props</c> under the <c>alter.*</c> keys (<see cref="Keys"/>): the tasks and their labels with each
/// task's slice of the probability output, how to tokenize (vocabulary, lower-casing, maximum length) and the format.
/// </summary>
public sealed record AlterOnnxMetadata
{
    /// <summary>Version of this layout of inputs, outputs and metadata.</summary>
    public const int CurrentFormatVersion = 1;

    public static class Keys
    {
        public const string FormatVersion = "alter.format_version";
        /// <summary>JSON array of task names; a row's task_id is its task's position in it.</summary>
        public const string Tasks = "alter.tasks";
        /// <summary>JSON object: task name → its labels in output order.</summary>
        public const string Labels = "alter.labels";
        /// <summary>JSON object: task name → where its labels start in the probability output.</summary>
        public const string LabelOffsets = "alter.label_offsets";
        public const string MaxLength = "alter.max_length";
        public const string LowerCase = "alter.lower_case";
        /// <summary>vocab.txt, one WordPiece token a line (line i is id i).</summary>
        public const string Vocabulary = "alter.vocabulary";
        /// <summary>Hex SHA-256 of the UTF-8 vocabulary text.</summary>
        public const string VocabularySha256 = "alter.vocabulary_sha256";
        /// <summary>1 after stage 1, 2 with stage 2's shared experts and gate.</summary>
        public const string Stage = "alter.stage";
        public const string BaseModel = "alter.base_model";
        /// <summary>"none" or "dynamic_int8" (<see cref="OnnxQuantization"/>); absent in files from before it existed: "none".</summary>
        public const string Quantization = "alter.quantization";
        /// <summary>
        /// 2: BERT's word splitting, as Hugging Face's BertTokenizer with this vocabulary; 1 (also when absent, in older
        /// files): symbol characters deleted and words joined across line breaks (see <c>BertTextTokenizer</c>).
        /// </summary>
        public const string TokenizerVersion = "alter.tokenizer_version";
    }

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The exported tasks in task_id order, each with its labels in output order.</summary>
    public required IReadOnlyList<TaskSpec> Tasks { get; init; }

    /// <summary>Where each task's labels start in the probability output, in task_id order.</summary>
    public required IReadOnlyList<int> LabelOffsets { get; init; }

    public required int MaxLength { get; init; }

    public required bool LowerCase { get; init; }

    public required string Vocabulary { get; init; }

    public string VocabularySha256 => Digest(Vocabulary);

    public required int Stage { get; init; }

    public string BaseModel { get; init; } = "";

    /// <summary>The tokenization rules the model was trained with.</summary>
    public int TokenizerVersion { get; init; } = 1;

    /// <summary>How the file stores its linear layers' weights.</summary>
    public OnnxQuantization Quantization { get; init; } = OnnxQuantization.None;

    private static string QuantizationName(OnnxQuantization q) => q == OnnxQuantization.DynamicInt8 ? "dynamic_int8" : "none";

    /// <summary>Width of the probability output.</summary>
    public int Width => Tasks.Sum(t => t.Labels.Count);

    internal static string Digest(string vocabulary) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(vocabulary))).ToLowerInvariant();

    public IReadOnlyDictionary<string, string> ToProperties() => new Dictionary<string, string>
    {
        [Keys.FormatVersion] = FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [Keys.Tasks] = JsonSerializer.Serialize(Tasks.Select(t => t.Name)),
        [Keys.Labels] = JsonSerializer.Serialize(Tasks.ToDictionary(t => t.Name, t => t.Labels)),
        [Keys.LabelOffsets] = JsonSerializer.Serialize(Tasks.Select((t, i) => (t.Name, Offset: LabelOffsets[i])).ToDictionary(p => p.Name, p => p.Offset)),
        [Keys.MaxLength] = MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [Keys.LowerCase] = LowerCase ? "true" : "false",
        [Keys.Vocabulary] = Vocabulary,
        [Keys.VocabularySha256] = VocabularySha256,
        [Keys.Stage] = Stage.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [Keys.BaseModel] = BaseModel,
        [Keys.Quantization] = QuantizationName(Quantization),
        [Keys.TokenizerVersion] = TokenizerVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Reads the metadata back (e.g. from ONNX Runtime's <c>ModelMetadata.CustomMetadataMap</c>).</summary>
    /// <param name="source">The file, for messages.</param>
    /// <exception cref="InvalidDataException">A key is missing or malformed, the format is newer, or the vocabulary does not match its digest.</exception>
    public static AlterOnnxMetadata FromProperties(IReadOnlyDictionary<string, string> properties, string source)
    {
        string Get(string key) => properties.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"{source}: metadata key '{key}' is missing; is this an ONNX file exported from an ALTER model?");
        T Json<T>(string key)
        {
            try
            {
                return JsonSerializer.Deserialize<T>(Get(key)) ?? throw new InvalidDataException($"{source}: metadata key '{key}' is empty.");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{source}: metadata key '{key}' is not valid JSON: {e.Message}", e);
            }
        }
        int Int(string key) => int.TryParse(Get(key), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new InvalidDataException($"{source}: metadata key '{key}' is not an integer: '{Get(key)}'.");

        var format = Int(Keys.FormatVersion);
        if (format > CurrentFormatVersion)
            throw new InvalidDataException($"{source}: format version {format} is newer than this library's ({CurrentFormatVersion}).");
        var names = Json<string[]>(Keys.Tasks);
        var labels = Json<Dictionary<string, string[]>>(Keys.Labels);
        var offsets = Json<Dictionary<string, int>>(Keys.LabelOffsets);
        var missing = names.FirstOrDefault(n => !labels.ContainsKey(n) || !offsets.ContainsKey(n));
        if (missing is not null)
            throw new InvalidDataException($"{source}: task '{missing}' has no labels or offset in the metadata.");
        var vocabulary = Get(Keys.Vocabulary);
        if (!string.Equals(Digest(vocabulary), Get(Keys.VocabularySha256), StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{source}: the vocabulary does not match its SHA-256 digest; the file is damaged.");
        return new AlterOnnxMetadata
        {
            FormatVersion = format,
            Tasks = names.Select(n => new TaskSpec(n, labels[n])).ToList(),
            LabelOffsets = names.Select(n => offsets[n]).ToList(),
            MaxLength = Int(Keys.MaxLength),
            LowerCase = Get(Keys.LowerCase) == "true",
            Vocabulary = vocabulary,
            Stage = Int(Keys.Stage),
            BaseModel = properties.TryGetValue(Keys.BaseModel, out var b) ? b : "",
            Quantization = ReadQuantization(properties, source),
            TokenizerVersion = properties.ContainsKey(Keys.TokenizerVersion) ? Int(Keys.TokenizerVersion) : 1,
        };
    }

    private static OnnxQuantization ReadQuantization(IReadOnlyDictionary<string, string> properties, string source)
        => !properties.TryGetValue(Keys.Quantization, out var name) ? OnnxQuantization.None
            : name == QuantizationName(OnnxQuantization.DynamicInt8) ? OnnxQuantization.DynamicInt8
            : name == QuantizationName(OnnxQuantization.None) ? OnnxQuantization.None
            : throw new InvalidDataException($"{source}: metadata key '{Keys.Quantization}' has an unknown value '{name}'.");
}
