using Microsoft.ML.Alter.Text;

namespace Microsoft.ML.Alter.Tests;

[TestClass]
public sealed class TokenizerTests
{
    private static BertTextTokenizer Tokenizer => MiniLmFixture.Tokenizer;

    [TestMethod]
    public void KnownSentenceGivesKnownIds()
    {
        var encoded = Tokenizer.Encode("Hello, world!");
        CollectionAssert.AreEqual(new[] { 101, 7592, 1010, 2088, 999, 102 }, encoded.InputIds);
        CollectionAssert.AreEqual(new int[6], encoded.TokenTypeIds);
    }

    [TestMethod]
    public void PairHasSegmentIdsAndTwoSeparators()
    {
        var encoded = Tokenizer.Encode("Hello, world!", "Good night");
        // [CLS] hello , world ! [SEP] good night [SEP]
        CollectionAssert.AreEqual(new[] { 101, 7592, 1010, 2088, 999, 102, 2204, 2305, 102 }, encoded.InputIds);
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 0, 0, 1, 1, 1 }, encoded.TokenTypeIds);
    }

    [TestMethod]
    public void LowercasesAndStripsAccentsLikeTheUncasedModel()
    {
        CollectionAssert.AreEqual(Tokenizer.Encode("hello cafe").InputIds, Tokenizer.Encode("HELLO Café").InputIds);
    }

    [TestMethod]
    public void SingleTextIsTruncatedToMaxLength()
    {
        var tokenizer = new BertTextTokenizer(MiniLmFixture.Checkpoint.Vocabulary, lowerCase: true, maxLength: 8);
        var encoded = tokenizer.Encode("one two three four five six seven eight nine ten");
        Assert.AreEqual(8, encoded.Length);
        Assert.AreEqual(101, encoded.InputIds[0]);
        Assert.AreEqual(102, encoded.InputIds[^1]);
        CollectionAssert.AreEqual(tokenizer.Tokenize("one two three four five six").ToArray(), encoded.InputIds[1..^1]);
    }

    [TestMethod]
    public void PairTruncationTakesFromTheLongerTextFirst()
    {
        var tokenizer = new BertTextTokenizer(MiniLmFixture.Checkpoint.Vocabulary, lowerCase: true, maxLength: 10);
        // 8 + 2 tokens, budget 7: the first text loses 3 tokens, the short second text keeps both.
        var encoded = tokenizer.Encode("one two three four five six seven eight", "nine ten");
        Assert.AreEqual(10, encoded.Length);
        var expected = new List<int> { 101 };
        expected.AddRange(tokenizer.Tokenize("one two three four five"));
        expected.Add(102);
        expected.AddRange(tokenizer.Tokenize("nine ten"));
        expected.Add(102);
        CollectionAssert.AreEqual(expected, encoded.InputIds);
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 0, 0, 0, 1, 1, 1 }, encoded.TokenTypeIds);

        // Both long: they are cut down to equal lengths, the second text losing the tie-breaking token.
        var both = tokenizer.Encode("a b c d e f", "g h i j k l");
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 }, both.TokenTypeIds);
    }

    [TestMethod]
    public void BatchIsPaddedToItsLongestInput()
    {
        var inputs = new[] { Tokenizer.Encode("short"), Tokenizer.Encode("a somewhat longer sentence here"), Tokenizer.Encode("a", "b") };
        using var batch = TokenBatch.Create(inputs, Tokenizer.PaddingId);
        var longest = inputs.Max(i => i.Length);
        CollectionAssert.AreEqual(new long[] { 3, longest }, batch.InputIds.shape);
        Assert.AreEqual(inputs.Sum(i => i.Length), batch.TokenCount);
        var mask = batch.AttentionMask.data<long>().ToArray();
        var ids = batch.InputIds.data<long>().ToArray();
        var types = batch.TokenTypeIds.data<long>().ToArray();
        for (var r = 0; r < inputs.Length; r++)
            for (var j = 0; j < longest; j++)
            {
                var real = j < inputs[r].Length;
                Assert.AreEqual(real ? 1L : 0L, mask[r * longest + j]);
                Assert.AreEqual(real ? inputs[r].InputIds[j] : Tokenizer.PaddingId, ids[r * longest + j]);
                Assert.AreEqual(real ? inputs[r].TokenTypeIds[j] : 0, types[r * longest + j]);
            }
    }

    [TestMethod]
    public void LengthBatchesCoverEveryIndexOnceShortestFirst()
    {
        var lengths = new[] { 5, 1, 9, 3, 3, 7, 2 };
        var batches = LengthBatches.Sorted(lengths, 3).ToList();
        CollectionAssert.AreEqual(new[] { 3, 3, 1 }, batches.Select(b => b.Length).ToArray());
        CollectionAssert.AreEquivalent(Enumerable.Range(0, lengths.Length).ToArray(), batches.SelectMany(b => b).ToArray());
        var flat = batches.SelectMany(b => b).Select(i => lengths[i]).ToArray();
        CollectionAssert.AreEqual(flat.Order().ToArray(), flat);
    }
}
