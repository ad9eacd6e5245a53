using Microsoft.ML.Alter.MLNet;

namespace Microsoft.ML.Alter.Tests.MLNet;

[TestClass]
public sealed class MLNetCompatibilityTests
{
    [TestMethod]
    public void EveryReferenceOfTheLibraryResolvesAgainstTheLoadedMLNet()
    {
        var (count, missing) = MLNetCompatibility.Check(typeof(AlterEstimator).Module);
        Assert.AreEqual(0, missing.Count, string.Join("\n", missing));
        // Really resolved: the library's references into ML.NET, TorchSharp and the BCL number in the hundreds.
        Assert.IsTrue(count > 300, $"{count} references resolved");
        Assert.AreEqual("5.0.1", MLNetCompatibility.AuditedVersion);
        Assert.AreEqual(MLNetCompatibility.AuditedVersion, MLNetCompatibility.LoadedVersion);
        MLNetCompatibility.EnsureCompatible();
    }

    [TestMethod]
    public void AMissingMemberIsNamedBesideBothVersions()
    {
        var message = MLNetCompatibility.Describe(
            new[] { "Method not found: 'System.String Microsoft.ML.ModelLoadContext.LoadStringOrNull()'." }, "5.0.7", "5.0.1");
        StringAssert.Contains(message, "Microsoft.ML.ModelLoadContext.LoadStringOrNull()");
        StringAssert.Contains(message, "(5.0.7;");
        StringAssert.Contains(message, "Reference Microsoft.ML 5.0.1");
    }

    [TestMethod]
    public void OnlyMissingMLNetAssembliesCount()
    {
        // A notebook that references the library by path has no ONNX Runtime or OnnxSharp beside it: export is unusable there, ML.NET is fine.
        Assert.IsFalse(MLNetCompatibility.IsMLNetAssembly("Microsoft.ML.OnnxRuntime, Version=1.31.1.0, Culture=neutral, PublicKeyToken=f27f157f0a5b7bb6"));
        Assert.IsTrue(MLNetCompatibility.IsMLNetAssembly("Microsoft.ML.Data, Version=1.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51"));
        Assert.IsTrue(MLNetCompatibility.IsMLNetAssembly(typeof(MLContext).Assembly.FullName));
        Assert.IsTrue(MLNetCompatibility.IsMLNetAssembly(null), "an unreadable name is not hidden");
        Assert.IsFalse(MLNetCompatibility.IsMLNetAssembly("OnnxSharp, Version=0.3.0.0, Culture=neutral, PublicKeyToken=null"), "unsigned: another package");
    }
}
