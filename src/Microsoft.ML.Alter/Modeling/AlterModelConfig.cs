using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>Everything needed to rebuild an <see cref="AlterModel"/>'s structure before its weights are loaded.</summary>
internal sealed record AlterModelConfig
{
    public required BertConfig Encoder { get; init; }

    /// <summary>The mixture's options, resolved: <see cref="MtaOptions.Layers"/> and <see cref="MtaOptions.ExpertCount"/> are set.</summary>
    public required MtaOptions Mta { get; init; }

    public required IReadOnlyList<TaskSpec> Tasks { get; init; }

    /// <summary>Encoder layers that hold a mixture of task adapters (ascending).</summary>
    [JsonIgnore]
    public int[] MtaLayers => Mta.Layers ?? throw new InvalidDataException("The model configuration has unresolved MTA layers.");

    /// <summary>Task experts per mixture (fixed when the model is created; tasks added later share them).</summary>
    [JsonIgnore]
    public int ExpertCount => Mta.ExpertCount ?? throw new InvalidDataException("The model configuration has an unresolved expert count.");

    // Models saved before the configuration held resolved options only (formats 1 and 2 as written until issue 14) kept
    // the resolved layers and expert count here, beside options that may say "default" (null): read, never written.
    [JsonInclude, JsonPropertyName("MtaLayers"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal int[]? SavedMtaLayers { get; init; }

    [JsonInclude, JsonPropertyName("ExpertCount"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    internal int? SavedExpertCount { get; init; }

    /// <summary>
    /// Tasks appended after the model was created (the last ones in <see cref="Tasks"/>); the expert count and the
    /// prior were fixed by the tasks the model was created with.
    /// </summary>
    public int AddedTasks { get; init; }

    /// <summary>
    /// Routes of routed tasks, [MTA layer][task] → its experts (ascending); an empty list: that task is still dense
    /// (its route is chosen after the warm-up). Null (models saved before routing existed, or dense ones): all dense.
    /// </summary>
    public int[][][]? Routes { get; init; }

    /// <summary>Shared experts per mixture; 0 until stage 2.</summary>
    public int SharedExpertCount { get; init; }

    /// <summary>Tokens kept per row, [CLS] and [SEP] included.</summary>
    public required int MaxLength { get; init; }

    public required bool LowerCase { get; init; }

    /// <summary>
    /// The tokenization rules (<see cref="Text.BertTextTokenizer.Version"/>). Models saved before the field existed have
    /// none in their file and keep version 1, so they score as they were trained.
    /// </summary>
    public int TokenizerVersion { get; init; } = 1;

    /// <summary>Where the pretrained weights came from, for the record.</summary>
    public string BaseModel { get; init; } = "";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static AlterModelConfig FromJson(string json, string source)
    {
        try
        {
            var config = JsonSerializer.Deserialize<AlterModelConfig>(json, JsonOptions)
                         ?? throw new InvalidDataException($"{source}: the model configuration is empty.");
            if (config.Mta is null)
                throw new InvalidDataException($"{source}: the model configuration has no MTA options.");
            // The resolved values an older file kept beside its options win: options may hold unsorted layers or null.
            var resolved = config with
            {
                Mta = config.Mta with { Layers = config.SavedMtaLayers ?? config.Mta.Layers, ExpertCount = config.SavedExpertCount ?? config.Mta.ExpertCount },
                SavedMtaLayers = null,
                SavedExpertCount = null,
            };
            if (resolved.Mta.Layers is null || resolved.Mta.ExpertCount is null)
                throw new InvalidDataException($"{source}: the model configuration does not say which layers hold mixtures and how many experts each has.");
            return resolved;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the model configuration is not valid: {e.Message}", e);
        }
    }
}
