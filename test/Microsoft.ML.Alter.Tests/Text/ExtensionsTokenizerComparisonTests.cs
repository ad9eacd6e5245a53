using Google.Protobuf;
using Microsoft.ML.Alter.Export;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Microsoft.ML.Alter.Tests.Text;

/// <summary>
/// Whether ONNX Runtime Extensions' BertTokenizer operator (0.14.0, a replica of Hugging Face's encode_plus) could
/// tokenize inside an exported graph: it must give our ids exactly. It does on symbols, accents, CJK, short pairs,
/// punctuation and the truncation of single texts, and differs in two documented ways (U+FFFD, long pairs), so the
/// export keeps token-id inputs. If a later version of the
/// operator stops differing, the second test fails: then a text-input export becomes possible.
/// </summary>
[TestClass]
public sealed class ExtensionsTokenizerComparisonTests
{
    private const int MaxLength = 32;

    [TestMethod]
    [DataRow("Hello, world!", null)]
    [DataRow("It cost $500 + tax = $540, they said.", null)]
    [DataRow("``Quoted'' text with one\nline break and a\ttab", null)]
    [DataRow("Crème brûlée at the café, naïve façade — résumé!", null)]
    [DataRow("北京欢迎你 and 東京", null)]
    [DataRow("e-mail: someone@example.com http://x.y/z?q=1 50% off_now", null)]
    [DataRow("£100 for a great 😀 film", null)]
    [DataRow("The first sentence is here.", "And the second one, shorter.")]
    public void OperatorGivesOurIds(string text, string? text2)
    {
        var ours = Tokenizer.Encode(text, text2);
        var (ids, types) = Operator(text, text2);
        CollectionAssert.AreEqual(ours.InputIds.Select(i => (long)i).ToArray(), ids, $"ours {string.Join(' ', ours.InputIds)} / operator {string.Join(' ', ids)}");
        CollectionAssert.AreEqual(ours.TokenTypeIds.Select(i => (long)i).ToArray(), types);
    }

    [TestMethod]
    public void OperatorDiffersOnReplacementCharactersAndTruncation()
    {
        // BERT's _clean_text deletes U+FFFD, as we do; the operator gives [UNK] (mis-decoded text has many: 20 dev and
        // test rows of the benchmark's tasks).
        var ours = Tokenizer.Encode("pel\uFFFDcula");
        var (ids, _) = Operator("pel\uFFFDcula", null);
        CollectionAssert.AreNotEqual(ours.InputIds.Select(i => (long)i).ToArray(), ids);
        Assert.IsTrue(ids.Contains(Tokenizer.Tokenizer.UnknownTokenId) && !ours.InputIds.Contains(Tokenizer.Tokenizer.UnknownTokenId));

        // Pairs over the maximum length: we truncate longest-first to MaxLength tokens, as Hugging Face does; the operator,
        // given max_length, truncates single texts (below) but returns pairs whole.
        var longText = string.Join(' ', Enumerable.Repeat("word", 3 * MaxLength));
        Assert.AreEqual(MaxLength, Tokenizer.Encode(longText, "a short one").Length);
        Assert.IsTrue(Operator(longText, "a short one").Ids.Length > MaxLength, "the operator truncated a pair: update README's ONNX section and consider a text-input export");
        CollectionAssert.AreEqual(Tokenizer.Encode(longText).InputIds.Select(i => (long)i).ToArray(), Operator(longText, null).Ids, "single texts are truncated alike");
    }

    private static BertTextTokenizer Tokenizer { get; } = new(MiniLmFixture.Checkpoint.Vocabulary, lowerCase: true, MaxLength);

    private static readonly Lazy<InferenceSession> Session = new(() =>
    {
        var node = new NodeProto { OpType = "BertTokenizer", Domain = "ai.onnx.contrib", Name = "tokenizer" };
        node.Input.Add("text");
        node.Output.AddRange(new[] { "input_ids", "token_type_ids", "attention_mask" });
        node.Attribute.Add(new AttributeProto { Name = "vocab_file", Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(Tokenizer.Vocabulary) });
        node.Attribute.Add(OnnxGraphBuilder.Attribute("do_lower_case", 1L));
        node.Attribute.Add(OnnxGraphBuilder.Attribute("strip_accents", 1L));
        node.Attribute.Add(OnnxGraphBuilder.Attribute("max_length", (long)MaxLength));
        var graph = new GraphProto { Name = "tokenizer", Node = { node } };
        graph.Input.Add(OnnxGraphBuilder.Value("text", TensorProto.Types.DataType.String, "n"));
        foreach (var output in node.Output)
            graph.Output.Add(OnnxGraphBuilder.Value(output, TensorProto.Types.DataType.Int64, "n"));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "ai.onnx.contrib", Version = 1 });
        using var options = new SessionOptions();
        options.RegisterOrtExtensions();
        return new InferenceSession(model.ToByteArray(), options);
    });

    /// <summary>The operator on one row: a 1-element string tensor, or 2 elements for a pair.</summary>
    private static (long[] Ids, long[] Types) Operator(string text, string? text2)
    {
        var texts = text2 is null ? new[] { text } : new[] { text, text2 };
        using var input = OrtValue.CreateFromStringTensor(new DenseTensor<string>(texts, new[] { texts.Length }));
        using var runOptions = new RunOptions();
        using var outputs = Session.Value.Run(runOptions, new[] { "text" }, new[] { input }, new[] { "input_ids", "token_type_ids" });
        return (outputs[0].GetTensorDataAsSpan<long>().ToArray(), outputs[1].GetTensorDataAsSpan<long>().ToArray());
    }
}
