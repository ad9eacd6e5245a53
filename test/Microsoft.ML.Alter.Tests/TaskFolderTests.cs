using Microsoft.ML.Alter.Data;

namespace Microsoft.ML.Alter.Tests;

[TestClass]
public sealed class TaskFolderTests
{
    private static string Write(string task, string split, string content, string? root = null)
    {
        root ??= TinyBert.TempFolder();
        Directory.CreateDirectory(Path.Combine(root, task));
        File.WriteAllText(Path.Combine(root, task, split + ".tsv"), content);
        return root;
    }

    [TestMethod]
    public void ReadsSingleAndPairTasks()
    {
        var root = Write("sentiment", "train", "label\ttext\npositive\tgreat film\r\nnegative\tawful\n");
        Write("nli", "train", "label\ttext\ttext2\nentailment\ta man sleeps\ta person rests\n", root);
        CollectionAssert.AreEqual(new[] { "nli", "sentiment" }, TaskFolder.Tasks(root).ToArray());
        var rows = TaskFolder.Read(root, "train");
        Assert.AreEqual(3, rows.Count);
        Assert.AreEqual(new LabeledExample("nli", "a man sleeps", "a person rests", "entailment"), rows[0]);
        Assert.AreEqual(new LabeledExample("sentiment", "awful", null, "negative"), rows[2]);
    }

    [TestMethod]
    public void BadRowsNameFileAndLine()
    {
        var root = Write("t", "train", "label\ttext\nok\tfine\nbroken row without tab\n");
        var error = Assert.ThrowsExactly<InvalidDataException>(() => TaskFolder.Read(root, "train"));
        StringAssert.Contains(error.Message, Path.Combine(root, "t", "train.tsv"));
        StringAssert.Contains(error.Message, "line 3");

        var badHeader = Write("t", "train", "text\tlabel\nfine\tok\n");
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => TaskFolder.Read(badHeader, "train")).Message, "header");

        var missing = Assert.ThrowsExactly<FileNotFoundException>(() => TaskFolder.Read(root, "dev"));
        StringAssert.Contains(missing.Message, "dev.tsv");
    }
}
