namespace Microsoft.ML.Alter.Bench;

/// <summary>--name value options, with the data folder defaulting to ../shared/data when it exists.</summary>
public sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _flags = new(StringComparer.OrdinalIgnoreCase);

    public static BenchArgs Parse(string[] args)
    {
        var parsed = new BenchArgs();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"Unexpected argument '{args[i]}'; options look like --name value.");
            var name = args[i][2..];
            if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                parsed._values[name] = args[++i];
            else
                parsed._flags.Add(name);
        }
        return parsed;
    }

    public string Get(string name, string fallback) => _values.TryGetValue(name, out var v) ? v : fallback;

    public int GetInt(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    /// <summary>A positive integer option, or null when absent.</summary>
    public int? GetOptionalInt(string name)
    {
        if (!_values.TryGetValue(name, out var v))
            return null;
        return int.TryParse(v, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"--{name} must be a positive whole number, not '{v}'.");
    }

    /// <summary>A comma-separated option as a list, or null when absent.</summary>
    public IReadOnlyList<string>? GetList(string name) => _values.TryGetValue(name, out var v)
        ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        : null;

    /// <summary>A comma-separated list of numbers (invariant culture), or null when absent.</summary>
    public IReadOnlyList<double>? GetDoubles(string name) => GetList(name)?
        .Select(v => double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new ArgumentException($"--{name}: '{v}' is not a number."))
        .ToList();

    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>The data folder: --data, else ../shared/data beside the repository, else a clear error.</summary>
    public string DataFolder()
    {
        if (_values.TryGetValue("data", out var given))
            return given;
        foreach (var candidate in new[] { "../shared/data", "../../shared/data", Path.Combine(AppContext.BaseDirectory, "../../../../../shared/data") })
            if (Directory.Exists(candidate))
                return Path.GetFullPath(candidate);
        throw new DirectoryNotFoundException(
            "No data folder: pass --data DIR (one folder per task with train.tsv, dev.tsv, test.tsv), or run from the repository root with ../shared/data present.");
    }
}
