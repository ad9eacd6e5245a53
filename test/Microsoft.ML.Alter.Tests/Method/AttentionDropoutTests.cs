using Microsoft.ML.Alter.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>Attention-probability dropout acts in training only, at the configured rate.</summary>
[TestClass]
public sealed class AttentionDropoutTests
{
    [TestMethod]
    public void AttentionDropsProbabilitiesInTrainingAndNeverInEvaluation()
    {
        manual_seed(1);
        using var attention = new BertSelfAttention(TinyBert.Config with { AttentionProbsDropoutProb = 0.5 });
        using var hidden = randn(2, 6, TinyBert.Config.HiddenSize);
        using var mask = ones(2, 1, 1, 6, dtype: ScalarType.Bool);

        attention.train();
        using var a = attention.forward(hidden, mask);
        using var b = attention.forward(hidden, mask);
        Assert.IsFalse(a.allclose(b), "two training passes drop different probabilities");

        attention.eval();
        using var c = attention.forward(hidden, mask);
        using var d = attention.forward(hidden, mask);
        Assert.IsTrue(c.equal(d).all().item<bool>(), "evaluation is deterministic");
        using var noDropout = new BertSelfAttention(TinyBert.Config with { AttentionProbsDropoutProb = 0 });
        noDropout.load_state_dict(attention.state_dict());
        noDropout.train();
        using var e = noDropout.forward(hidden, mask);
        Assert.IsTrue(c.allclose(e, 1e-6, 1e-7), "at rate 0 training computes what evaluation does");
    }
}
