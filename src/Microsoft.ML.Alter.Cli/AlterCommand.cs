using System.CommandLine;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Cli;

/// <summary>The <c>alter</c> command and what its sub-commands share.</summary>
internal static class AlterCommand
{
    public static RootCommand Create(CliOutput output)
    {
        var root = new RootCommand("Multi-task text classification with ALTER (Microsoft.ML.Alter): train, evaluate, predict.");
        root.Subcommands.Add(TrainCommand.Create(output));
        root.Subcommands.Add(EvaluateCommand.Create(output));
        root.Subcommands.Add(PredictCommand.Create(output));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>: the tool's entry point, and the tests'.</summary>
    public static int Run(string[] args, CliOutput output)
        => Create(output).Parse(args).Invoke(new InvocationConfiguration { Output = output.Data, Error = output.Errors });

    public static Option<string> DataOption(string description) => new("--data") { Description = description, Required = true };

    public static Option<string> ModelOption(string description) => new("--model") { Description = description, Required = true };

    public static Option<string> FormatOption() => new("--format")
    {
        Description = "Output: json (one object per line) or tsv (a header line, then one line per row).",
        DefaultValueFactory = _ => "json",
    };

    /// <summary>
    /// The saved pipeline up to the ALTER transformer (and what follows it), without the label keying in front when the
    /// data has no label column: scoring does not need labels.
    /// </summary>
    public static ITransformer ForData(ITransformer model, DataViewSchema schema, string labelColumn, bool keepOutputMapping = true)
    {
        var parts = model is IEnumerable<ITransformer> chain ? chain.ToList() : new List<ITransformer> { model };
        var alter = parts.FindIndex(p => p is AlterTransformer);
        if (alter < 0)
            throw new InvalidDataException("The model holds no ALTER transformer: was it saved by `alter train`?");
        var first = schema.GetColumnOrNull(labelColumn) is null ? alter : 0;
        var last = keepOutputMapping ? parts.Count - 1 : alter;
        return new TransformerChain<ITransformer>(parts.Skip(first).Take(last - first + 1).ToArray());
    }
}
