using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Alter.Bench;

/// <summary>Writes a command's raw figures as indented camelCase JSON under the --out folder (default results/).</summary>
internal static class ResultsFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // NaN (e.g. MCC of a constant predictor) must not abort the write after minutes of work.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // Keeps "+00:00", "×" and "–" readable in a file meant for people and scripts, not for HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Reads a file this class wrote (numbers, NaN and collections as written).</summary>
    public static T Read<T>(string path)
    {
        var options = new JsonSerializerOptions(Options)
        {
            PropertyNameCaseInsensitive = true,
            // Get-only collections (a report's systems) are filled in place.
            PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate,
        };
        return JsonSerializer.Deserialize<T>(File.ReadAllText(path), options)
               ?? throw new InvalidDataException($"'{path}' holds no results.");
    }

    public static string Write<T>(string folder, string fileName, T value)
    {
        Directory.CreateDirectory(folder);
        return WriteFile(Path.Combine(folder, fileName), value);
    }

    /// <summary>Writes <paramref name="value"/> to <paramref name="path"/>; returns the full path.</summary>
    public static string WriteFile<T>(string path, T value)
    {
        path = Path.GetFullPath(path);
        File.WriteAllText(path, JsonSerializer.Serialize(value, Options) + Environment.NewLine);
        return path;
    }
}
