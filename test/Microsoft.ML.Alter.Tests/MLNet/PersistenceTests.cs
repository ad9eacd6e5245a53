using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Reflection;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.Tests.MLNet;

[TestClass]
public sealed class PersistenceTests
{
    [TestMethod]
    public void SavedModelLoadsInAFreshProcessWithBitIdenticalScores()
    {
        var ml = MLNetFixture.Context;
        var model = MLNetFixture.Model;
        var folder = TinyBert.TempFolder();
        var zip = Path.Combine(folder, "model.zip");
        var data = ml.Data.LoadFromEnumerable(MLNetFixture.Test);
        ml.Model.Save(model, data.Schema, zip);

        // Everything lives in the zip: the ALTER transformer's entry holds the core model stream (weights, config, tasks,
        // label sets, vocabulary) beside ML.NET's own Model.key.
        using (var archive = ZipFile.OpenRead(zip))
            Assert.IsTrue(archive.Entries.Any(e => e.FullName.EndsWith("/" + AlterTransformer.ModelStreamName, StringComparison.Ordinal)),
                string.Join(", ", archive.Entries.Select(e => e.FullName)));
        // Nothing outside the zip is needed: not even the base model folder.
        var expected = Lines(ml, model, MLNetFixture.Test);

        var rowsFile = Path.Combine(folder, "rows.tsv");
        File.WriteAllLines(rowsFile, MLNetFixture.Test.Select(r => $"{r.Task}\t{r.Sentence1}\t{r.Sentence2}\t{r.Label}"));
        var output = Path.Combine(folder, "scores.txt");
        var (exit, stdout) = Run(LoadCheckPath(), zip, rowsFile, output);
        Assert.AreEqual(0, exit, stdout);
        StringAssert.Contains(stdout, "alter-loaded-before-load=False after-load=True", "the fresh process found the assembly from the zip alone");
        CollectionAssert.AreEqual(expected, File.ReadAllLines(output), "Transform and PredictionEngine scores, bit for bit");

        // And in this process, through ML.NET's loader too.
        var loaded = ml.Model.Load(zip, out var schema);
        CollectionAssert.AreEqual(data.Schema.Select(c => c.Name).ToArray(), schema.Select(c => c.Name).ToArray());
        CollectionAssert.AreEqual(expected, Lines(ml, loaded, MLNetFixture.Test));
        var alter = MLNetFixture.Parts(loaded).OfType<AlterTransformer>().Single();
        CollectionAssert.AreEqual(MLNetFixture.Alter.TaskNames.ToArray(), alter.TaskNames.ToArray());
        CollectionAssert.AreEqual(MLNetFixture.Alter.Labels.ToArray(), alter.Labels.ToArray());
    }

    /// <summary>The second process's output format: Transform's rows, "--", PredictionEngine's rows.</summary>
    private static List<string> Lines(MLContext ml, ITransformer model, List<TextRow> rows)
    {
        var lines = ml.Data.CreateEnumerable<ScoredRow>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).Select(Format).ToList();
        lines.Add("--");
        var engine = ml.Model.CreatePredictionEngine<TextRow, ScoredRow>(model);
        lines.AddRange(rows.Select(r => Format(engine.Predict(r))));
        return lines;

        static string Format(ScoredRow s) => s.PredictedLabel + "\t" + string.Join(" ",
            s.Score.Select(f => BitConverter.SingleToInt32Bits(f).ToString("x8", CultureInfo.InvariantCulture)));
    }

    internal static string LoadCheckPath()
    {
        var path = typeof(PersistenceTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "MLNetLoadCheck").Value!;
        Assert.IsTrue(File.Exists(path), $"{path} was not built (the test project builds it through a ProjectReference)");
        return path;
    }

    internal static (int ExitCode, string Output) Run(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the load-check process did not finish in 3 minutes");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
