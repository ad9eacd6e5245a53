using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.ML.Alter.MLNet;

namespace Microsoft.ML.Alter.Cli;

/// <summary>
/// Every settable field of <see cref="AlterEstimator.Options"/> as a command-line option (<c>Stage1Epochs</c> →
/// <c>--stage1-epochs</c>), made by reflection so the tool never falls behind the estimator nor restates its defaults: an
/// option not given leaves the estimator's own default, and the estimator validates what is given.
/// </summary>
internal sealed partial class EstimatorOptions
{
    /// <summary>Fields a command line cannot carry: data views and tokens are set by the commands themselves.</summary>
    private static readonly HashSet<string> NotOptions = new(StringComparer.Ordinal)
    {
        nameof(AlterEstimator.Options.ValidationSet), nameof(AlterEstimator.Options.CancellationToken),
    };

    private readonly List<(FieldInfo Field, Option<string> Option)> _options = new();

    public EstimatorOptions(IEnumerable<string>? only = null)
    {
        var wanted = only?.ToHashSet(StringComparer.Ordinal);
        foreach (var field in typeof(AlterEstimator.Options).GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (NotOptions.Contains(field.Name) || (wanted is not null && !wanted.Contains(field.Name)))
                continue;
            var type = Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType;
            var option = new Option<string>(OptionName(field.Name))
            {
                Description = $"AlterEstimator.Options.{field.Name} ({Describe(type)}; the estimator's default when omitted).",
                HelpName = type.IsEnum ? null : Describe(type),
            };
            if (type.IsEnum)
                option.AcceptOnlyFromAmong(Enum.GetNames(type));
            _options.Add((field, option));
        }
    }

    public IEnumerable<Option> Options => _options.Select(o => o.Option);

    /// <summary>Sets the options given on <paramref name="parsed"/>'s command line on <paramref name="target"/>.</summary>
    /// <returns>The names of the fields set.</returns>
    public HashSet<string> Apply(ParseResult parsed, AlterEstimator.Options target)
    {
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (field, option) in _options)
            if (parsed.GetValue(option) is { } text)
            {
                field.SetValue(target, Convert(text, field.FieldType, option.Name));
                given.Add(field.Name);
            }
        return given;
    }

    /// <summary>The options that name the data's columns: what evaluate and predict read the data with.</summary>
    public static readonly string[] ColumnNames =
    {
        nameof(AlterEstimator.Options.TaskColumnName), nameof(AlterEstimator.Options.Sentence1ColumnName),
        nameof(AlterEstimator.Options.Sentence2ColumnName), nameof(AlterEstimator.Options.LabelColumnName),
    };

    private static object? Convert(string text, Type type, string name)
    {
        var plain = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            if (plain == typeof(string))
                return text;
            if (plain.IsEnum)
                return Enum.Parse(plain, text, ignoreCase: true);
            if (plain == typeof(int[]))
                return text.Split(',', StringSplitOptions.TrimEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            return System.Convert.ChangeType(text, plain, CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new ArgumentException($"{name}: '{text}' is not a {Describe(plain)}.");
        }
        catch (OverflowException)
        {
            throw new ArgumentException($"{name}: '{text}' is out of range for a {Describe(plain)}.");
        }
    }

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) => "integer",
        _ when type == typeof(double) => "number",
        _ when type == typeof(bool) => "true|false",
        _ when type == typeof(int[]) => "comma-separated integers",
        _ when type.IsEnum => string.Join("|", Enum.GetNames(type)),
        _ => "text",
    };

    internal static string OptionName(string field) => "--" + WordStart().Replace(field, "-$1").ToLowerInvariant();

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex WordStart();
}
