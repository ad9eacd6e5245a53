using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Tests.Method;

/// <summary>How the mixture options resolve to layers, expert counts and routing, and what each check says.</summary>
[TestClass]
public sealed class MixtureOptionsTests
{
    [TestMethod]
    public void LayersResolveToTheLastOnesByDefaultOrToTheListedOnesAscending()
    {
        CollectionAssert.AreEqual(new[] { 4, 5 }, new MtaOptions().ResolveLayers(6));
        CollectionAssert.AreEqual(new[] { 3, 4, 5 }, new MtaOptions { DefaultLayerCount = 3 }.ResolveLayers(6));
        CollectionAssert.AreEqual(new[] { 0, 1 }, new MtaOptions { DefaultLayerCount = 5 }.ResolveLayers(2), "no more layers than the encoder has");
        CollectionAssert.AreEqual(Array.Empty<int>(), new MtaOptions { DefaultLayerCount = 0 }.ResolveLayers(6));
        CollectionAssert.AreEqual(new[] { 0, 2, 5 }, new MtaOptions { Layers = new[] { 5, 0, 2 } }.ResolveLayers(6));

        foreach (var bad in new[] { 6, -1 })
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MtaOptions { Layers = new[] { 1, bad } }.ResolveLayers(6));
            Assert.AreEqual("Layers", error.ParamName);
            StringAssert.StartsWith(error.Message, $"MTA layer {bad} does not exist: the encoder has layers 0..5.");
        }
        Assert.AreEqual("MTA layers are listed twice: 3, 1, 3.", Assert.Throws<ArgumentException>(() => new MtaOptions { Layers = new[] { 3, 1, 3 } }.ResolveLayers(6)).Message);
    }

    [TestMethod]
    public void ExpertCountsAndRoutesAreCheckedAgainstEachOther()
    {
        Assert.AreEqual(4, new MtaOptions().ResolveExpertCount(3), "tasks + 1");
        Assert.AreEqual(MtaOptions.MaxDefaultExpertCount, new MtaOptions().ResolveExpertCount(12));
        Assert.AreEqual(1, new MtaOptions { ExpertCount = 1 }.ResolveExpertCount(5));
        var none = Assert.Throws<ArgumentOutOfRangeException>(() => new MtaOptions { ExpertCount = 0 }.ResolveExpertCount(5));
        StringAssert.StartsWith(none.Message, "A mixture needs at least one expert.");

        Assert.IsFalse(new MtaOptions().IsRouted);
        Assert.IsFalse(new MtaOptions { ExpertsPerTask = 0 }.IsRouted, "0 is the dense mixture");
        Assert.IsTrue(new MtaOptions { ExpertsPerTask = 1 }.IsRouted);
        new MtaOptions { ExpertsPerTask = 4 }.ValidateRouting(4);
        var wide = Assert.Throws<ArgumentOutOfRangeException>(() => new MtaOptions { ExpertsPerTask = 5 }.ValidateRouting(4));
        StringAssert.StartsWith(wide.Message, "ExpertsPerTask is 5 but each mixture has only 4 experts; use 1..4, or 0 / null for the dense mixture.");
    }

    [TestMethod]
    public void EachBadOptionIsRejectedWithItsOwnMessage()
    {
        var cases = new (MtaOptions Options, string Parameter, string Message)[]
        {
            (new() { ExpertsPerTask = -1 }, "ExpertsPerTask", "ExpertsPerTask cannot be negative; use 1.. the expert count, or 0 / null for the dense mixture."),
            (new() { RouteWarmupFraction = 1.5 }, "RouteWarmupFraction", "RouteWarmupFraction must be in [0, 1]."),
            (new() { RouteWarmupFraction = double.NaN }, "RouteWarmupFraction", "RouteWarmupFraction must be in [0, 1]."),
            (new() { DefaultLayerCount = -1 }, "DefaultLayerCount", "The number of MTA layers cannot be negative."),
            (new() { Temperature = 0 }, "Temperature", "The selector temperature must be positive."),
            (new() { AdapterSize = 0 }, "AdapterSize", "The adapter size must be positive."),
            (new() { GateHiddenSize = 0 }, "GateHiddenSize", "The gate's hidden size must be positive."),
            (new() { HeadDropout = 1 }, "HeadDropout", "Dropout must be in [0, 1)."),
        };
        new MtaOptions { RouteWarmupFraction = 1, HeadDropout = 0, ExpertsPerTask = 0 }.Validate();
        foreach (var (options, parameter, message) in cases)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
            Assert.AreEqual(parameter, error.ParamName);
            StringAssert.StartsWith(error.Message, message);
        }
    }
}
