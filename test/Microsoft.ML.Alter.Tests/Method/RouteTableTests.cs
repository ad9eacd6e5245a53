using Microsoft.ML.Alter.Modeling;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>
/// The selector's route table, from hand-set logits: top-k choice, which rows run an expert, the masked weights, and
/// the checks on a route and on stage 2's shared experts.
/// </summary>
[TestClass]
public sealed class RouteTableTests
{
    private static TaskWeightSelector Selector(params float[][] logits)
    {
        var selector = new TaskWeightSelector(logits.Length, logits[0].Length, temperature: 1, favored: 0, other: 0);
        using (no_grad())
            for (var t = 0; t < logits.Length; t++)
                selector.LogitsOf(t).copy_(tensor(logits[t]));
        return selector;
    }

    [TestMethod]
    public void TopExpertsAreTheLargestLogitsTiesToTheLowerIndexInAscendingOrder()
    {
        using var selector = Selector(new[] { 0.1f, 0.9f, 0.5f, 0.9f, 0.2f });
        CollectionAssert.AreEqual(new[] { 1 }, selector.TopExperts(0, 1));
        CollectionAssert.AreEqual(new[] { 1, 3 }, selector.TopExperts(0, 2));
        CollectionAssert.AreEqual(new[] { 1, 2, 3 }, selector.TopExperts(0, 3));
        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4 }, selector.TopExperts(0, 5));
    }

    [TestMethod]
    public void RoutesAreCheckedKeptAscendingAndMaskTheWeights()
    {
        using var selector = Selector(new[] { 0f, 0f, 0f, 0f }, new[] { 1f, 2f, 3f, 4f });
        Assert.IsFalse(selector.HasRoutes);
        Assert.IsNull(selector.RowsOf(2, new long[] { 0, 1, 1 }), "dense: every row runs every expert");

        selector.SetRoute(1, new[] { 3, 1, 3 });
        Assert.IsTrue(selector.HasRoutes);
        CollectionAssert.AreEqual(new[] { 1, 3 }, selector.RouteOf(1)!.ToArray());
        Assert.IsNull(selector.RouteOf(0));
        // Rows of task 0 (dense) run every expert; rows of task 1 only experts 1 and 3.
        Assert.IsNull(selector.RowsOf(1, new long[] { 0, 1, 1 }));
        CollectionAssert.AreEqual(new long[] { 0, 3 }, selector.RowsOf(2, new long[] { 0, 1, 1, 0 }));
        CollectionAssert.AreEqual(Array.Empty<long>(), selector.RowsOf(0, new long[] { 1, 1 }));
        using var weights = selector.Weights();
        var w = weights.data<float>().ToArray();
        CollectionAssert.AreEqual(new[] { 0.25f, 0.25f, 0.25f, 0.25f }, w[..4]);
        // softmax over logits 2 and 4 only: e^2 / (e^2 + e^4) and e^4 / (e^2 + e^4).
        var low = (float)(Math.Exp(2) / (Math.Exp(2) + Math.Exp(4)));
        Assert.AreEqual(0f, w[4]);
        Assert.AreEqual(low, w[5], 1e-6);
        Assert.AreEqual(0f, w[6]);
        Assert.AreEqual(1 - low, w[7], 1e-6);

        foreach (var bad in new[] { Array.Empty<int>(), new[] { -1 }, new[] { 4 }, new[] { 0, 4 } })
        {
            var error = Assert.Throws<ArgumentException>(() => selector.SetRoute(0, bad));
            StringAssert.StartsWith(error.Message, $"A route needs one or more experts in 0..3: [{string.Join(", ", bad.Distinct().Order())}].");
            Assert.AreEqual("experts", error.ParamName);
        }
        selector.SetRoute(0, new[] { 3 });
        selector.SetRoute(1, null);
        selector.SetRoute(0, null);
        Assert.IsFalse(selector.HasRoutes, "null makes a task dense again");
    }

    [TestMethod]
    public void SharedExpertsAreAddedOnceAtLeastOneAndBeforeTheirInitialisation()
    {
        using var mixture = new MixtureOfTaskAdapters(TinyBert.Config, new MtaOptions(), taskCount: 2);
        StringAssert.Contains(Assert.Throws<InvalidOperationException>(mixture.InitialiseSharedExperts).Message, "Add the shared experts first.");
        var none = Assert.Throws<ArgumentOutOfRangeException>(() => mixture.AddSharedExperts(0));
        StringAssert.StartsWith(none.Message, "Stage 2 needs at least one shared expert.");
        Assert.AreEqual(0, mixture.SharedExpertCount);
        Assert.IsFalse(mixture.SharedExpertParameters().Any());
        Assert.IsFalse(mixture.GateParameters().Any());

        mixture.AddSharedExperts(1);
        Assert.AreEqual(1, mixture.SharedExpertCount);
        Assert.IsTrue(mixture.SharedExpertParameters().Any() && mixture.GateParameters().Any());
        StringAssert.Contains(Assert.Throws<InvalidOperationException>(() => mixture.AddSharedExperts(1)).Message, "This layer already has its stage-2 shared experts.");
    }
}
