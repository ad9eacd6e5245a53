using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;

namespace Microsoft.ML.Alter.Tests.Text;

/// <summary>
/// Tokenization version 2 splits words as BERT's tokenization.py and Hugging Face's BertTokenizer do: ASCII symbols are
/// punctuation tokens, line breaks and tabs are spaces; version 1 (Microsoft.ML.Tokenizers' own splitting, which models
/// saved before version 2 keep) deleted symbols and joined words across line breaks.
/// </summary>
[TestClass]
public sealed class BertWordSplittingTests
{
    private static readonly Lazy<Dictionary<string, int>> Ids = new(() =>
        MiniLmFixture.Checkpoint.Vocabulary.Split('\n').Select((token, id) => (token: token.TrimEnd('\r'), id))
            .GroupBy(p => p.token).ToDictionary(g => g.Key, g => g.First().id));

    private static int[] Expected(params string[] tokens) => tokens.Select(t => Ids.Value[t]).ToArray();

    [TestMethod]
    [DataRow("$500", new[] { "$", "500" })]
    [DataRow("a+b=c", new[] { "a", "+", "b", "=", "c" })]
    [DataRow("one\nline\tand\r\nmore", new[] { "one", "line", "and", "more" })]
    [DataRow("``quoted''", new[] { "`", "`", "quoted", "'", "'" })]
    [DataRow("x<y>z|w~v^u", new[] { "x", "<", "y", ">", "z", "|", "w", "~", "v", "^", "u" })]
    [DataRow("snake_case", new[] { "snake", "_", "case" })]
    [DataRow("£100 price", new[] { "£100", "price" })]
    [DataRow("great 😀 film", new[] { "great", "[UNK]", "film" })]
    [DataRow("Hello, world!", new[] { "hello", ",", "world", "!" })]
    public void Version2SplitsWordsAsBert(string text, string[] tokens)
    {
        var tokenizer = new BertTextTokenizer(MiniLmFixture.Checkpoint.Vocabulary, lowerCase: true);
        Assert.AreEqual(BertTextTokenizer.CurrentVersion, tokenizer.Version);
        CollectionAssert.AreEqual(Expected(tokens), tokenizer.Tokenize(text).ToArray(), string.Join(' ', tokenizer.Tokenize(text)));
    }

    [TestMethod]
    [DataRow("pel\uFFFDcula", "pelcula")]
    [DataRow("zero\u200Bwidth", "zerowidth")]
    [DataRow("soft\u00ADhyphen", "softhyphen")]
    [DataRow("bell\u0007ring", "bellring")]
    public void ReplacementFormatAndControlCharactersAreDeleted(string text, string without)
    {
        var tokenizer = new BertTextTokenizer(MiniLmFixture.Checkpoint.Vocabulary, lowerCase: true);
        CollectionAssert.AreEqual(tokenizer.Tokenize(without).ToArray(), tokenizer.Tokenize(text).ToArray());
    }

    [TestMethod]
    public void Version1KeepsTheFormerRulesForModelsSavedWithThem()
    {
        var legacy = new BertTextTokenizer(MiniLmFixture.Checkpoint.Vocabulary, lowerCase: true, version: 1);
        CollectionAssert.AreEqual(Expected("500"), legacy.Tokenize("$500").ToArray());
        CollectionAssert.AreEqual(Expected("one", "##line"), legacy.Tokenize("one\nline").ToArray());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new BertTextTokenizer(MiniLmFixture.Checkpoint.Vocabulary, true, version: 3));
    }

    [TestMethod]
    public void NewModelsUseVersion2AndConfigurationsWithoutTheFieldReadAsVersion1()
    {
        using var tiny = TinyBert.Checkpoint();
        using var model = tiny.CreateAlterModel(new[] { new TaskSpec("t", new[] { "a", "b" }) }, new MtaOptions { Layers = new[] { 0 } }, maxLength: 16, seed: 1);
        Assert.AreEqual(2, model.Config.TokenizerVersion);
        Assert.AreEqual(2, model.Tokenizer.Version);

        var json = System.Text.Json.Nodes.JsonNode.Parse(model.Config.ToJson())!.AsObject();
        Assert.IsTrue(json.Remove(nameof(AlterModelConfig.TokenizerVersion)), "the field is saved");
        var old = AlterModelConfig.FromJson(json.ToJsonString(), "old model");
        Assert.AreEqual(1, old.TokenizerVersion);
        using var reloaded = new AlterModel(old, model.Vocabulary);
        Assert.AreEqual(1, reloaded.Tokenizer.Version);
    }
}
