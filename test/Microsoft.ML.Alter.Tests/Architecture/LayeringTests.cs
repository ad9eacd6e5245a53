using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Tests.Architecture.Fixture.Lower;

namespace Microsoft.ML.Alter.Tests.Architecture;

/// <summary>
/// The library's folders form a one-way chain: each namespace may use the ones before it in <see cref="Chain"/>, never
/// one after it. This keeps the core usable without ML.NET (MLNet is last), the model without training, and so on.
/// </summary>
[TestClass]
public sealed class LayeringTests
{
    /// <summary>
    /// Lowest first. Text (tokenizer, row-text rule) and Data (rows, task folders) know no model; Modeling is the TorchSharp
    /// network; Checkpoints create and store it; Inference scores it; Training fits it (and scores validation rows);
    /// Export writes the trained model as ONNX; Serving scores that ONNX file; MLNet wraps it all as ML.NET estimators.
    /// </summary>
    private static readonly string[] Chain = { "Text", "Data", "Modeling", "Checkpoints", "Inference", "Training", "Export", "Serving", "MLNet" };

    private const string Library = "Microsoft.ML.Alter.";

    [TestMethod]
    public void NoNamespaceReachesOneAboveIt()
    {
        var violations = Violations(typeof(AlterModel).Assembly.Location, Library, Chain);
        Assert.AreEqual(0, violations.Count, "References against the chain " + string.Join(" ← ", Chain) + ":\n" + string.Join("\n", violations));
    }

    [TestMethod]
    public void EveryNamespaceIsInTheChain()
    {
        var namespaces = typeof(AlterModel).Assembly.GetTypes()
            .Select(t => t.Namespace ?? "")
            .Where(n => n.StartsWith(Library, StringComparison.Ordinal))
            .Select(n => n[Library.Length..].Split('.')[0])
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        CollectionAssert.AreEquivalent(Chain, namespaces, "A new folder needs its place in the chain.");
    }

    /// <summary>The check itself: a reference from a lower namespace to a higher one (in the fixture below) is reported.</summary>
    [TestMethod]
    public void AReversedReferenceIsReported()
    {
        var violations = Violations(typeof(LowerThing).Assembly.Location, "Microsoft.ML.Alter.Tests.Architecture.Fixture.", new[] { "Lower", "Upper" });
        Assert.AreEqual(1, violations.Count, string.Join("\n", violations));
        StringAssert.Contains(violations[0], "LowerThing → Microsoft.ML.Alter.Tests.Architecture.Fixture.Upper.UpperThing");
    }

    private static List<string> Violations(string assembly, string prefix, string[] chain)
    {
        int Rank(string ns) => Array.IndexOf(chain, ns[prefix.Length..].Split('.')[0]);
        return NamespaceReferences.Of(assembly, prefix)
            .Where(e => Rank(e.To) > Rank(e.From))
            .Select(e => $"{e.From} → {e.To}: {e.Edge}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
