using System.CommandLine;

namespace Microsoft.ML.Alter.Bench.Cli;

/// <summary>What every measuring command takes: the data folder, the results folder and the thread count.</summary>
internal sealed class CommonOptions
{
    public Option<string?> Data { get; } = Opt.Text("--data", "Folder with one sub-folder per task (train.tsv, dev.tsv, test.tsv); default ../shared/data");

    public Option<string> Out { get; } = Opt.Of("--out", "Folder for the raw JSON results", "results");

    public Option<int> Threads { get; } = Opt.Of("--threads", "TorchSharp threads (0: libtorch's choice)", 0);

    public void AddTo(CliCommand command) => Opt.AddTo(command, Data, Out, Threads);

    /// <summary>Applies --threads and returns the settings every command uses.</summary>
    public Common Read(ParseResult r)
    {
        if (r.GetValue(Threads) is > 0 and var threads)
            TorchSharp.torch.set_num_threads(threads);
        return new Common(r.GetValue(Data), r.GetValue(Out)!, r.GetValue(Threads));
    }
}

/// <summary>The parsed common options.</summary>
internal sealed record Common(string? GivenData, string Out, int Threads)
{
    /// <summary>The data folder: --data, else ../shared/data beside the repository, else a clear error.</summary>
    public string DataFolder()
    {
        if (GivenData is not null)
            return GivenData;
        foreach (var candidate in new[] { "../shared/data", "../../shared/data", Path.Combine(AppContext.BaseDirectory, "../../../../../shared/data") })
            if (Directory.Exists(candidate))
                return Path.GetFullPath(candidate);
        throw new DirectoryNotFoundException(
            "No data folder: pass --data DIR (one folder per task with train.tsv, dev.tsv, test.tsv), or run from the repository root with ../shared/data present.");
    }

    public string Write<T>(string fileName, T value) => ResultsFile.Write(Out, fileName, value);
}
