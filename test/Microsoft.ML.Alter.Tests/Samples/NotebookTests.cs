using System.Text.Json;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Alter.Tests.Samples;

/// <summary>
/// Keeps the sample notebook honest: it takes the library as the package a user gets (at the repository's versions), its
/// code is the console program's (loaded, not copied, so the two cannot drift), and its committed outputs come from a
/// full run that succeeded.
/// </summary>
[TestClass]
public sealed partial class NotebookTests
{
    private static readonly string Root = Path.GetFullPath(Path.Combine(SourceFolder.Of("."), "..", ".."));
    private static readonly string Sample = Path.Combine(Root, "samples", "MultiTaskNotebook");
    private static readonly string NotebookFolder = Path.Combine(Sample, "notebook");

    // Read once: every test looks at the same committed file.
    private static readonly List<JsonElement> CodeCells = ReadCodeCells();

    private static readonly string Code = string.Join("\n", CodeCells.Select(Source));

    private static List<JsonElement> ReadCodeCells()
    {
        using var notebook = JsonDocument.Parse(File.ReadAllText(Path.Combine(NotebookFolder, "MultiTaskNotebook.ipynb")));
        return notebook.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code").Select(c => c.Clone()).ToList();
    }

    private static string Source(JsonElement cell) => string.Concat(cell.GetProperty("source").EnumerateArray().Select(l => l.GetString()));

    [TestMethod]
    public void ReferencesThePackagesAtTheRepositoryVersions()
    {
        var version = Regex.Match(File.ReadAllText(Path.Combine(Root, "Directory.Build.props")), "<Version>([^<]+)</Version>").Groups[1].Value;
        var torchSharp = Regex.Match(File.ReadAllText(Path.Combine(Root, "Directory.Packages.props")),
            "Include=\"TorchSharp-cpu\" Version=\"([^\"]+)\"").Groups[1].Value;
        StringAssert.Contains(Code, $"#r \"nuget: Microsoft.ML.Alter, {version}\"");
        StringAssert.Contains(Code, $"#r \"nuget: TorchSharp-cpu, {torchSharp}\"");
        // The folder feed eng/pack.sh writes, added by the nuget.config the notebook's restore reads.
        var config = File.ReadAllText(Path.Combine(NotebookFolder, "nuget.config"));
        var feed = Regex.Match(config, "value=\"([^\"]+)\"").Groups[1].Value;
        Assert.AreEqual(Path.Combine(Root, "artifacts", "feed"), Path.GetFullPath(Path.Combine(NotebookFolder, feed)));
        StringAssert.Contains(File.ReadAllText(Path.Combine(Root, "eng", "pack.sh")), "artifacts/feed");
        // No reference to built binaries, no build step, no assembly-resolve workaround.
        Assert.IsFalse(Regex.IsMatch(Code, @"#r ""[^n]|\.dll""|dotnet build|AssemblyResolve"), "the notebook must use the library as a package, as a user does");
    }

    [TestMethod]
    public void LoadsTheConsoleProgramsCodeInsteadOfCopyingIt()
    {
        var loaded = LoadDirective().Matches(Code).Select(m => m.Groups[1].Value).ToList();
        foreach (var file in loaded)
            Assert.IsTrue(File.Exists(Path.Combine(NotebookFolder, file)), $"#load \"{file}\": no such file in the sample");
        // The settings, the data reader and the row type have one source, shared with Program.cs.
        CollectionAssert.IsSubsetOf(new[] { "TaskRow.cs", "TaskData.cs", "SampleSettings.cs", "SdcaBaseline.cs", "NewSentences.cs" }.Select(f => "../" + f).ToList(), loaded);
        StringAssert.Contains(File.ReadAllText(Path.Combine(Sample, "Program.cs")), "SampleSettings.AlterOptions(");
        StringAssert.Contains(Code, "SampleSettings.AlterOptions(");
        Assert.IsFalse(TypeDeclaration().IsMatch(Code), "the notebook declares a type of its own: put it in a sample file and #load it");
        Assert.IsFalse(Regex.IsMatch(Code, @"new AlterEstimator\.Options|Stage1Epochs\s*="), "training settings belong in SampleSettings.cs");
    }

    [TestMethod]
    public void CommittedOutputsComeFromAFullRunWithoutErrors()
    {
        var cells = CodeCells;
        var outputs = cells.Select(c => c.GetProperty("outputs").EnumerateArray().ToList()).ToList();
        Assert.IsFalse(outputs.SelectMany(o => o).Any(o => o.GetProperty("output_type").GetString() == "error"), "a committed output is an error");
        var text = string.Join("\n", outputs.SelectMany(o => o).Select(o => o.ToString()));
        StringAssert.Contains(text, "quick mode: False", "the committed outputs must come from a full run, not CI's quick mode");
        StringAssert.Contains(text, "Notebook run time:", "the committed outputs must come from a run that reached the last cell");
        // Cells that show HTML (the tables, the chart) have it saved.
        foreach (var (cell, output) in cells.Zip(outputs))
            if (Source(cell).Contains("HTML(", StringComparison.Ordinal))
                Assert.IsTrue(output.Count > 0, $"no committed output for the cell starting '{Source(cell).Split('\n')[0]}'");
    }

    [GeneratedRegex(@"^#load ""([^""]+)""", RegexOptions.Multiline)]
    private static partial Regex LoadDirective();

    [GeneratedRegex(@"^\s*(public |internal )?(sealed |static )?(class|record|struct) \w", RegexOptions.Multiline)]
    private static partial Regex TypeDeclaration();
}
