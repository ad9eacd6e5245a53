using Microsoft.ML.Data;

namespace Microsoft.ML.Alter.MLNet;

internal static class ScoreVectors
{
    /// <summary>Copies a dense score row into an ML.NET vector, reusing the caller's buffer as ML.NET getters should.</summary>
    public static void Copy(float[] source, ref VBuffer<float> destination)
    {
        var editor = VBufferEditor.Create(ref destination, source.Length);
        source.AsSpan().CopyTo(editor.Values);
        destination = editor.Commit();
    }
}
