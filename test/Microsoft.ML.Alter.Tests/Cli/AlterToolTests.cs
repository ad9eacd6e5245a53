using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Alter.Cli;
using Spectre.Console;

namespace Microsoft.ML.Alter.Tests.Cli;

/// <summary>
/// The `alter` tool end to end, in-process through its entry point: train on a folder of two tiny tasks (the embedded
/// MiniLM, short texts, one epoch per stage), evaluate, predict one text and a CSV file, and the errors a user meets.
/// </summary>
[TestClass]
public sealed class AlterToolTests
{
    private static readonly (string Task, string Label, string Text)[] Rows =
    {
        ("mood", "happy", "What a wonderful day, I love it"), ("mood", "happy", "This is great news, thank you"),
        ("mood", "happy", "I am delighted with the result"), ("mood", "happy", "Such a lovely, joyful evening"),
        ("mood", "sad", "This is terrible, I hate it"), ("mood", "sad", "What an awful, boring film"),
        ("mood", "sad", "I am so disappointed and upset"), ("mood", "sad", "The service was rude and slow"),
        ("topic", "sport", "The striker scored twice in the final"), ("topic", "sport", "She won the tennis match in three sets"),
        ("topic", "sport", "The team trains before the league game"), ("topic", "sport", "He ran the marathon in record time"),
        ("topic", "money", "Shares fell after the bank raised rates"), ("topic", "money", "The company reported higher profits"),
        ("topic", "money", "Inflation pushed prices up again"), ("topic", "money", "Investors bought bonds this week"),
    };

    private static readonly Lazy<(string Folder, string Model, Result Training)> Trained = new(() =>
    {
        var folder = TinyBert.TempFolder();
        foreach (var task in Rows.GroupBy(r => r.Task))
        {
            Directory.CreateDirectory(Path.Combine(folder, "data", task.Key));
            foreach (var split in new[] { "train", "test" })
                File.WriteAllLines(Path.Combine(folder, "data", task.Key, split + ".tsv"), task.Select(r => $"{r.Label}\t{r.Text}").Prepend("label\ttext"));
        }
        var model = Path.Combine(folder, "model.zip");
        var training = Run("train", "--data", Path.Combine(folder, "data"), "--model", model, "--stage1-epochs", "1", "--stage2-epochs", "1",
            "--max-length", "16", "--batch-size", "8", "--seed", "1");
        return (folder, model, training);
    });

    private sealed record Result(int ExitCode, string Data, string Console, string Errors);

    private static Result Run(params string[] args)
    {
        var data = new StringWriter(CultureInfo.InvariantCulture);
        var console = new StringWriter(CultureInfo.InvariantCulture);
        var errors = new StringWriter(CultureInfo.InvariantCulture);
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        var code = AlterCommand.Run(args, new CliOutput(data, ansi, errors));
        return new Result(code, data.ToString(), console.ToString(), errors.ToString());
    }

    [TestMethod]
    public void TrainSavesAModelOfBothTasksWithAProgressBarPerStage()
    {
        var (_, model, training) = Trained.Value;
        Assert.AreEqual(0, training.ExitCode, training.Errors);
        Assert.IsTrue(File.Exists(model));
        Assert.IsFalse(File.Exists(model + ".partial"));
        StringAssert.Contains(training.Data, "tasks mood, topic");
        StringAssert.Contains(training.Console, "stage 1 (loss ");
        StringAssert.Contains(training.Console, "stage 2 (loss ");
        // Spectre's renderer for a console that is not a terminal prints milestones (25%, 50%, ...) and skips finished tasks.
        StringAssert.Contains(training.Console, "%");
    }

    [TestMethod]
    public void EvaluatePrintsMetricsPerTaskAndOverall()
    {
        var (folder, model, _) = Trained.Value;
        var result = Run("evaluate", "--model", model, "--data", Path.Combine(folder, "data"), "--format", "tsv");
        Assert.AreEqual(0, result.ExitCode, result.Errors);
        var lines = result.Data.Trim().Split('\n').Select(l => l.TrimEnd('\r').Split('\t')).ToList();
        CollectionAssert.AreEqual(new[] { "task", "accuracy", "macro_accuracy", "log_loss" }, lines[0]);
        CollectionAssert.AreEqual(new[] { "mood", "topic", "(all)" }, lines.Skip(1).Select(l => l[0]).ToArray());
        foreach (var line in lines.Skip(1))
            Assert.IsTrue(double.Parse(line[1], CultureInfo.InvariantCulture) is >= 0 and <= 1, string.Join(' ', line));

        var json = Run("evaluate", "--model", model, "--data", Path.Combine(folder, "data"));
        Assert.AreEqual(0, json.ExitCode, json.Errors);
        var all = JsonDocument.Parse(json.Data.Trim().Split('\n').Last()).RootElement;
        Assert.AreEqual("(all)", all.GetProperty("task").GetString());
        Assert.AreEqual(double.Parse(lines[3][1], CultureInfo.InvariantCulture), all.GetProperty("accuracy").GetDouble(), 1e-4);
    }

    [TestMethod]
    public void PredictClassifiesOneTextAndAFileAsJsonOrTsv()
    {
        var (folder, model, _) = Trained.Value;
        var one = Run("predict", "--model", model, "--task", "topic", "--text", "The goalkeeper saved a penalty");
        Assert.AreEqual(0, one.ExitCode, one.Errors);
        var row = JsonDocument.Parse(one.Data.Trim()).RootElement;
        Assert.AreEqual("topic", row.GetProperty("task").GetString());
        CollectionAssert.Contains(new[] { "sport", "money" }, row.GetProperty("label").GetString());
        Assert.IsTrue(row.GetProperty("probability").GetDouble() is > 0.5 and <= 1);

        var csv = Path.Combine(folder, "rows.csv");
        File.WriteAllLines(csv, new[] { "Task,Sentence1", "mood,\"I love it, truly\"", "weather,It will rain" });
        var file = Run("predict", "--model", model, "--input", csv, "--format", "tsv");
        Assert.AreEqual(0, file.ExitCode, file.Errors);
        var lines = file.Data.TrimEnd('\r', '\n').Split('\n').Select(l => l.TrimEnd('\r').Split('\t')).ToList();
        Assert.AreEqual(3, lines.Count, file.Data);
        CollectionAssert.AreEqual(new[] { "task", "text", "label", "probability" }, lines[0]);
        Assert.AreEqual("I love it, truly", lines[1][1]);
        CollectionAssert.Contains(new[] { "happy", "sad" }, lines[1][2]);
        // A task the model does not serve: the transformer's missing prediction, no label and no probability.
        CollectionAssert.AreEqual(new[] { "weather", "It will rain", "", "" }, lines[2]);
    }

    [TestMethod]
    public void EstimatorOptionsAreCheckedByTheEstimatorAndArgumentsByTheParser()
    {
        var folder = Path.Combine(TinyBert.TempFolder(), "none.zip");
        var zeroEpochs = Run("train", "--data", Path.Combine(Trained.Value.Folder, "data"), "--model", folder, "--stage1-epochs", "0");
        Assert.AreNotEqual(0, zeroEpochs.ExitCode);
        StringAssert.Contains(zeroEpochs.Errors, "Stage1Epochs");
        Assert.IsFalse(File.Exists(folder));

        var badEnum = Run("train", "--data", "x", "--model", folder, "--pooling", "Max");
        Assert.AreNotEqual(0, badEnum.ExitCode);
        StringAssert.Contains(badEnum.Errors, "Max");

        var notANumber = Run("train", "--data", Path.Combine(Trained.Value.Folder, "data"), "--model", folder, "--weight-decay", "lots");
        Assert.AreNotEqual(0, notANumber.ExitCode);
        StringAssert.Contains(notANumber.Errors, "--weight-decay: 'lots' is not a number");

        var neither = Run("predict", "--model", folder);
        Assert.AreNotEqual(0, neither.ExitCode);
        StringAssert.Contains(neither.Errors, "Give either --task and --text");

        var missingData = Run("evaluate", "--model", Trained.Value.Model, "--data", Path.Combine(folder, "nowhere"));
        Assert.AreNotEqual(0, missingData.ExitCode);
        StringAssert.Contains(missingData.Errors, "neither a folder of tasks nor a TSV/CSV file");
    }
}
