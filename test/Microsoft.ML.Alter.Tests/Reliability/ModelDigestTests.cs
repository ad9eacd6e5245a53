using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Inference;
using Microsoft.ML.Alter.Tests.MLNet;

namespace Microsoft.ML.Alter.Tests.Reliability;

/// <summary>Finding 6: the saved model's digests cover every entry; files of the previous format still load.</summary>
[TestClass]
public sealed class ModelDigestTests
{
    private static byte[] Saved()
    {
        using var stream = new MemoryStream();
        AlterModelStore.Save(MLNetFixture.Alter.Model, stream);
        return stream.ToArray();
    }

    /// <summary>The saved bytes with one entry's text changed by <paramref name="edit"/>.</summary>
    private static MemoryStream Edited(string entryName, Func<string, string> edit)
    {
        var stream = new MemoryStream();
        stream.Write(Saved());
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry(entryName)!;
            string text;
            using (var reader = new StreamReader(entry.Open(), Encoding.UTF8))
                text = reader.ReadToEnd();
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(entryName).Open(), new UTF8Encoding(false));
            writer.Write(edit(text));
        }
        stream.Position = 0;
        return stream;
    }

    [TestMethod]
    public void AChangedVocabularyFailsTheDigest()
    {
        // Swapping two words keeps a valid vocabulary that would silently give other token ids.
        var error = Assert.ThrowsExactly<InvalidDataException>(() => AlterModelStore.Load(Edited("vocab.txt", v => v.Replace("\ngood\n", "\nTEMP\n").Replace("\nbad\n", "\ngood\n").Replace("\nTEMP\n", "\nbad\n"))));
        StringAssert.Contains(error.Message, "vocab.txt does not match the digest");
        // A flipped character that duplicates a word (once "An item with the same key has already been added").
        error = Assert.ThrowsExactly<InvalidDataException>(() => AlterModelStore.Load(Edited("vocab.txt", v => v.Replace("\nmovie\n", "\nfilm\n"))));
        StringAssert.Contains(error.Message, "damaged");
    }

    [TestMethod]
    public void AChangedConfigurationFailsTheDigest()
    {
        var error = Assert.ThrowsExactly<InvalidDataException>(() => AlterModelStore.Load(Edited("alter.json", j => j.Replace("\"positive\"", "\"upbeat\""))));
        StringAssert.Contains(error.Message, "model configuration");
        StringAssert.Contains(error.Message, "does not match the digest");
    }

    [TestMethod]
    public void AFormatOneFileWithOnlyTheWeightsDigestStillLoadsAndScoresTheSame()
    {
        var stream = Edited("alter.json", j =>
        {
            var header = JsonNode.Parse(j)!.AsObject();
            header["format"] = 1;
            header.Remove("vocab_sha256");
            header.Remove("model_sha256");
            return header.ToJsonString();
        });
        using var model = AlterModelStore.Load(stream);
        var rows = MLNetFixture.Test.Take(8).Select(r => new TaskInput(r.Task, r.Sentence1, r.Sentence2)).ToList();
        var expected = AlterPredictor.Predict(MLNetFixture.Alter.Model, rows);
        var actual = AlterPredictor.Predict(model, rows);
        for (var i = 0; i < rows.Count; i++)
            CollectionAssert.AreEqual(expected[i].Probabilities, actual[i].Probabilities);
    }

    [TestMethod]
    public void AFormatTwoFileMissingADigestIsDamaged()
    {
        var stream = Edited("alter.json", j =>
        {
            var header = JsonNode.Parse(j)!.AsObject();
            header.Remove("vocab_sha256");
            return header.ToJsonString();
        });
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => AlterModelStore.Load(stream)).Message, "vocab.txt");
    }
}
