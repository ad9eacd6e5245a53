using Microsoft.ML.Alter.Build.MiniLmExport;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests;

/// <summary>
/// The TorchSharp encoder with the embedded MiniLM weights (the safetensors folder of Microsoft.ML.Alter.MiniLM) must
/// compute what ONNX Runtime computes from the very ONNX graph those weights were converted from at build time.
/// </summary>
[TestClass]
public sealed class OnnxParityTests
{
    private const float Tolerance = 1e-4f;
    private static InferenceSession? _session;

    [ClassInitialize]
    public static void Init(TestContext _) => _session = new InferenceSession(OnnxPackageResources.ReadModel());

    [ClassCleanup]
    public static void Cleanup() => _session?.Dispose();

    private static IReadOnlyList<EncodedInput> Inputs()
    {
        var t = MiniLmFixture.Tokenizer;
        var longText = string.Join(' ', Enumerable.Range(0, 200).Select(i => $"word{i % 17} and more"));
        var inputs = new List<EncodedInput>
        {
            t.Encode("Hello, world!"),
            t.Encode("The movie was surprisingly good, I would watch it again."),
            t.Encode("What is the capital of France?"),
            t.Encode("Stocks fell sharply after the central bank raised interest rates."),
            t.Encode("ok"),
            t.Encode("A man is playing a guitar.", "Someone plays an instrument."),
            t.Encode("The cat sat on the mat.", "Dogs are barking loudly in the park next door."),
            t.Encode("Ünïcödé têxt with accents — and punctuation!?", "second sentence"),
            t.Encode(longText),
        };
        Assert.AreEqual(128, inputs[^1].Length, "the long input must be truncated to exactly 128 tokens");
        return inputs;
    }

    [TestMethod]
    public void PaddedBatchMatchesOnnxRuntime()
    {
        var inputs = Inputs();
        using var batch = TokenBatch.Create(inputs, MiniLmFixture.Tokenizer.PaddingId);
        var expected = RunOnnx(batch);
        var actual = RunTorch(batch);
        var worst = MaxAbsDifferenceOnRealTokens(expected, actual, inputs, (int)batch.InputIds.shape[1]);
        Console.WriteLine($"max |torch - onnxruntime| over {batch.TokenCount} real tokens of a padded batch: {worst:E2}");
        Assert.IsTrue(worst <= Tolerance, $"max abs difference {worst} > {Tolerance}");
    }

    [TestMethod]
    public void EachInputAloneMatchesOnnxRuntime()
    {
        var worst = 0f;
        foreach (var input in Inputs())
        {
            using var batch = TokenBatch.Create(new[] { input });
            worst = Math.Max(worst, MaxAbsDifferenceOnRealTokens(RunOnnx(batch), RunTorch(batch), new[] { input }, input.Length));
        }
        Console.WriteLine($"max |torch - onnxruntime| input by input: {worst:E2}");
        Assert.IsTrue(worst <= Tolerance, $"max abs difference {worst} > {Tolerance}");
    }

    [TestMethod]
    public void PaddedBatchGivesTheSameVectorsAsEachInputAlone()
    {
        var inputs = Inputs();
        using var batch = TokenBatch.Create(inputs);
        var batched = RunTorch(batch);
        var length = (int)batch.InputIds.shape[1];
        var worst = 0f;
        for (var r = 0; r < inputs.Count; r++)
        {
            using var single = TokenBatch.Create(new[] { inputs[r] });
            var alone = RunTorch(single);
            var hidden = alone.Length / inputs[r].Length;
            for (var j = 0; j < inputs[r].Length * hidden; j++)
                worst = Math.Max(worst, Math.Abs(alone[j] - batched[r * length * hidden + j]));
        }
        Console.WriteLine($"max |batched - alone|: {worst:E2}");
        Assert.IsTrue(worst <= 1e-5f, $"padding changed real tokens' vectors by {worst}");
    }

    private static float[] RunTorch(TokenBatch batch)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return MiniLmFixture.Model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds).data<float>().ToArray();
    }

    private static float[] RunOnnx(TokenBatch batch)
    {
        int[] shape = { (int)batch.InputIds.shape[0], (int)batch.InputIds.shape[1] };
        NamedOnnxValue Input(string name, TorchSharp.torch.Tensor t) =>
            NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(t.data<long>().ToArray(), shape));
        var feeds = new[]
        {
            Input("input_ids", batch.InputIds), Input("attention_mask", batch.AttentionMask), Input("token_type_ids", batch.TokenTypeIds),
        };
        using var results = _session!.Run(feeds, new[] { "last_hidden_state" });
        return results.First().AsTensor<float>().ToArray();
    }

    private static float MaxAbsDifferenceOnRealTokens(float[] expected, float[] actual, IReadOnlyList<EncodedInput> inputs, int length)
    {
        Assert.AreEqual(expected.Length, actual.Length);
        var hidden = expected.Length / (inputs.Count * length);
        Assert.AreEqual(384, hidden);
        var worst = 0f;
        for (var r = 0; r < inputs.Count; r++)
            for (var j = 0; j < inputs[r].Length; j++)
                for (var h = 0; h < hidden; h++)
                {
                    var i = (r * length + j) * hidden + h;
                    worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
                }
        return worst;
    }
}
