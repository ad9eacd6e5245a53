using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Cli;

/// <summary>
/// What <c>--data</c> names, as an IDataView whose columns carry the estimator's column names: a folder of tasks (one
/// sub-folder per task with train/dev/test.tsv, read by <see cref="TaskFolder"/>) or one TSV/CSV file with a header that
/// holds the task, text (and second text) and label columns under those names.
/// </summary>
internal static class DataInput
{
    public static IDataView Load(MLContext ml, string path, string split, AlterEstimator.Options options, Action<string> report)
        => Directory.Exists(path) ? LoadFolder(ml, path, split, options, report)
            : File.Exists(path) ? LoadFile(ml, path, options)
            : throw new FileNotFoundException($"--data: '{path}' is neither a folder of tasks nor a TSV/CSV file.", path);

    private static IDataView LoadFolder(MLContext ml, string root, string split, AlterEstimator.Options options, Action<string> report)
        => FromRows(ml, TaskFolder.Read(root, split, skipped: report), options);

    /// <summary>Rows in memory (a folder's, or one given on the command line), under the estimator's column names.</summary>
    public static IDataView FromRows(MLContext ml, IReadOnlyCollection<LabeledExample> rows, AlterEstimator.Options options)
    {
        if (rows.Any(r => r.Text2 is not null))
            options.Sentence2ColumnName ??= "Sentence2";
        var schema = SchemaDefinition.Create(typeof(FolderRow));
        schema[nameof(FolderRow.Task)].ColumnName = options.TaskColumnName;
        schema[nameof(FolderRow.Text)].ColumnName = options.Sentence1ColumnName;
        schema[nameof(FolderRow.Text2)].ColumnName = options.Sentence2ColumnName ?? "Sentence2";
        schema[nameof(FolderRow.Label)].ColumnName = options.LabelColumnName;
        return ml.Data.LoadFromEnumerable(rows.Select(r => new FolderRow { Task = r.Task, Text = r.Text, Text2 = r.Text2 ?? "", Label = r.Label }), schema);
    }

    /// <summary>A .csv file is comma-separated with quoting; anything else is tab-separated.</summary>
    private static IDataView LoadFile(MLContext ml, string path, AlterEstimator.Options options)
    {
        var csv = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        var separator = csv ? ',' : '\t';
        string header;
        using (var reader = new StreamReader(path))
            header = reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty: its first line must name the columns.");
        var names = header.Split(separator).Select(n => n.Trim().Trim('"')).ToList();
        var wanted = new[] { options.TaskColumnName, options.Sentence1ColumnName, options.Sentence2ColumnName, options.LabelColumnName };
        var columns = wanted.OfType<string>().Distinct().Where(names.Contains)
            .Select(name => new TextLoader.Column(name, DataKind.String, names.IndexOf(name))).ToArray();
        foreach (var required in new[] { options.TaskColumnName, options.Sentence1ColumnName })
            if (!names.Contains(required))
                throw new InvalidDataException($"{path}: the header has no '{required}' column (it has {string.Join(", ", names.Select(n => $"'{n}'"))}); "
                                               + $"name it with {EstimatorOptions.OptionName(required == options.TaskColumnName ? nameof(options.TaskColumnName) : nameof(options.Sentence1ColumnName))}.");
        return ml.Data.LoadFromTextFile(path, columns, separator, hasHeader: true, allowQuoting: csv);
    }

    private sealed class FolderRow
    {
        public string Task { get; set; } = "";
        public string Text { get; set; } = "";
        public string Text2 { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
