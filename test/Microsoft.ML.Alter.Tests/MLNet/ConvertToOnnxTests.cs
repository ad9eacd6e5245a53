using Microsoft.ML.Alter.MLNet;

namespace Microsoft.ML.Alter.Tests.MLNet;

/// <summary>ML.NET's own ONNX conversion must not write a partial model of a pipeline holding the ALTER transformer.</summary>
[TestClass]
public sealed class ConvertToOnnxTests
{
    [TestMethod]
    public void ConvertToOnnxThrowsAndNamesTheExportMethod()
    {
        var ml = MLNetFixture.Context;
        var data = ml.Data.LoadFromEnumerable(MLNetFixture.Test.Take(4));
        using var stream = new MemoryStream();
        var e = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.ConvertToOnnx(MLNetFixture.Model, data, stream));
        StringAssert.Contains(e.Message, nameof(AlterTransformer.ExportToOnnx));
        Assert.AreEqual(0L, stream.Length, "nothing is written");
    }

    [TestMethod]
    public void ConvertToOnnxOfTheTransformerAloneThrowsToo()
    {
        var ml = MLNetFixture.Context;
        using var stream = new MemoryStream();
        var e = Assert.ThrowsExactly<NotSupportedException>(() => ml.Model.ConvertToOnnx(MLNetFixture.Alter, MLNetFixture.Keyed(MLNetFixture.Test.Take(4)), stream));
        StringAssert.Contains(e.Message, nameof(AlterTransformer.ExportToOnnx));
        Assert.AreEqual(0L, stream.Length, "nothing is written");
    }
}
