// Microsoft.ML has a namespace named Command, which the bench namespace would otherwise find first.
global using CliCommand = System.CommandLine.Command;
using System.CommandLine;
using System.Globalization;

namespace Microsoft.ML.Alter.Bench.Cli;

/// <summary>Option shapes the bench's commands share: a default shown in --help, positive counts, comma-separated lists.</summary>
internal static class Opt
{
    public static Option<T> Of<T>(string name, string description, T fallback)
        => new(name) { Description = description, DefaultValueFactory = _ => fallback };

    public static Option<T?> Optional<T>(string name, string description) where T : struct => new(name) { Description = description };

    public static Option<string?> Text(string name, string description) => new(name) { Description = description };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>An optional whole number that must be positive when given.</summary>
    public static Option<int?> Positive(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0)
                r.AddError($"{name} must be a positive whole number.");
        });
        return option;
    }

    /// <summary>a,b,c (the old syntax) or repeated values; null when absent.</summary>
    public static Option<string[]?> List(string name, string description) => Split(name, description, (string v, out string s) => (s = v) is not null);

    public static Option<double[]?> Numbers(string name, string description)
        => Split(name, description, (string v, out double d) => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out d));

    public static Option<int[]?> Ints(string name, string description)
        => Split(name, description, (string v, out int n) => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out n));

    private delegate bool TryParse<T>(string value, out T parsed);

    private static Option<T[]?> Split<T>(string name, string description, TryParse<T> parse) => new(name)
    {
        Description = description + " (comma-separated)",
        CustomParser = r =>
        {
            var values = new List<T>();
            foreach (var text in r.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (!parse(text, out var value))
                {
                    r.AddError($"{name}: '{text}' is not a valid value.");
                    return null;
                }
                values.Add(value);
            }
            return values.ToArray();
        },
    };

    /// <summary>A list option's values, or null when it was not given (System.CommandLine reads an absent array option as empty).</summary>
    public static T[]? ListOrNull<T>(this ParseResult r, Option<T[]?> option) => r.GetValue(option) is { Length: > 0 } values ? values : null;

    public static void AddTo(CliCommand command, params Option[] options)
    {
        foreach (var option in options)
            command.Options.Add(option);
    }
}
