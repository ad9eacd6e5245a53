using System.Text;
using Microsoft.ML.Alter.Text;

namespace Microsoft.ML.Alter.Data;

/// <summary>
/// Reads multi-task data laid out as one folder per task, each with train.tsv, dev.tsv and test.tsv whose header is
/// <c>label&lt;TAB&gt;text</c> or <c>label&lt;TAB&gt;text&lt;TAB&gt;text2</c> (UTF-8, no quoting).
/// </summary>
public static class TaskFolder
{
    public static readonly string[] Splits = { "train", "dev", "test" };

    /// <summary>Task names (sub-folders that hold a train.tsv), sorted.</summary>
    public static IReadOnlyList<string> Tasks(string root)
    {
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Data folder '{root}' does not exist.");
        var tasks = Directory.GetDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "train.tsv")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
        if (tasks.Count == 0)
            throw new InvalidDataException($"Data folder '{root}' has no task folders with a train.tsv in them.");
        return tasks;
    }

    /// <summary>One split ("train", "dev" or "test") of the given tasks (all tasks when null), task by task.</summary>
    /// <param name="skipped">Told, once per file that had any, which rows were skipped for having no usable text.</param>
    public static List<LabeledExample> Read(string root, string split, IEnumerable<string>? tasks = null, Action<string>? skipped = null)
    {
        var result = new List<LabeledExample>();
        foreach (var task in tasks ?? Tasks(root))
            result.AddRange(ReadFile(Path.Combine(root, task, split + ".tsv"), task, skipped));
        return result;
    }

    /// <summary>
    /// Reads one TSV file of a task; errors name the file and line. Rows whose text is empty or only whitespace, control or
    /// zero-width characters are skipped (public data has a few: 4 of 3,775 rows in one review set), reported to
    /// <paramref name="skipped"/> with their line numbers.
    /// </summary>
    public static List<LabeledExample> ReadFile(string path, string task, Action<string>? skipped = null)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Task '{task}' has no file {path}.", path);
        using var reader = new StreamReader(path, Encoding.UTF8);
        var header = reader.ReadLine()?.TrimEnd('\r').Split('\t');
        var pair = header switch
        {
            ["label", "text"] => false,
            ["label", "text", "text2"] => true,
            _ => throw new InvalidDataException(
                $"{path}: line 1 must be the header 'label<TAB>text' or 'label<TAB>text<TAB>text2', found '{string.Join("<TAB>", header ?? Array.Empty<string>())}'."),
        };
        var rows = new List<LabeledExample>();
        var lineNumber = 1;
        var skippedLines = new List<int>();
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            line = line.TrimEnd('\r');
            if (line.Length == 0)
                continue;
            var fields = line.Split('\t');
            if (fields.Length != header.Length)
                throw new InvalidDataException($"{path}: line {lineNumber} has {fields.Length} fields, the header has {header.Length}.");
            if (fields[0].Length == 0)
                throw new InvalidDataException($"{path}: line {lineNumber} has an empty label.");
            if (!RowText.IsUsable(fields[1]))
            {
                skippedLines.Add(lineNumber);
                continue;
            }
            rows.Add(new LabeledExample(task, fields[1], pair ? fields[2] : null, fields[0]));
        }
        if (skippedLines.Count > 0)
            skipped?.Invoke($"{path}: skipped {skippedLines.Count} rows with no usable text (lines {string.Join(", ", skippedLines.Take(20))}{(skippedLines.Count > 20 ? ", ..." : "")}).");
        return rows;
    }
}
