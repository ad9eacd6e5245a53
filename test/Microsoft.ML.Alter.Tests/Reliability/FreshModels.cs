using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Tests.MLNet;

namespace Microsoft.ML.Alter.Tests.Reliability;

/// <summary>
/// Copies of the shared trained pipeline (saved once, loaded per call), for tests that dispose a model or change it and so
/// must not touch the one every other test scores with.
/// </summary>
internal static class FreshModels
{
    private static readonly Lazy<byte[]> Saved = new(() =>
    {
        using var stream = new MemoryStream();
        MLNetFixture.Context.Model.Save(MLNetFixture.Model, MLNetFixture.Context.Data.LoadFromEnumerable(MLNetFixture.Test).Schema, stream);
        return stream.ToArray();
    });

    /// <summary>MapValueToKey → ALTER → MapKeyToValue, loaded from the shared model's saved bytes.</summary>
    public static ITransformer Pipeline(MLContext ml)
    {
        using var stream = new MemoryStream(Saved.Value, writable: false);
        return ml.Model.Load(stream, out _);
    }

    public static AlterTransformer Alter(ITransformer pipeline) => MLNetFixture.Parts(pipeline).OfType<AlterTransformer>().Single();

    /// <summary>Rows of <paramref name="rows"/> copied, so a test may change them.</summary>
    public static List<TextRow> Copy(IEnumerable<TextRow> rows)
        => rows.Select(r => new TextRow { Task = r.Task, Sentence1 = r.Sentence1, Sentence2 = r.Sentence2, Label = r.Label }).ToList();

    public static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);
}
