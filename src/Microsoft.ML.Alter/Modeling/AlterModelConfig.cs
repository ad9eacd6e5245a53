using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>Everything needed to rebuild an <see cref="AlterModel"/>'s structure before its weights are loaded.</summary>
public sealed record AlterModelConfig
{
    public required BertConfig Encoder { get; init; }

    public required MtaOptions Mta { get; init; }

    public required IReadOnlyList<TaskSpec> Tasks { get; init; }

    /// <summary>Encoder layers that hold a mixture of task adapters.</summary>
    public required int[] MtaLayers { get; init; }

    /// <summary>Task experts per mixture (fixed when the model is created; tasks added later share them).</summary>
    public required int ExpertCount { get; init; }

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
            return JsonSerializer.Deserialize<AlterModelConfig>(json, JsonOptions)
                   ?? throw new InvalidDataException($"{source}: the model configuration is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: the model configuration is not valid: {e.Message}", e);
        }
    }
}
