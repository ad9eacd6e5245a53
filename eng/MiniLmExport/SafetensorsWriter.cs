using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Alter.Build.MiniLmExport;

/// <summary>
/// Writes float32 tensors in the safetensors format: an 8-byte little-endian header length, a JSON header naming
/// each tensor's dtype, shape and byte range, then the raw data. Written here because the tool must not need
/// libtorch: it runs while the library that reads the file is being built.
/// </summary>
internal static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyDictionary<string, (long[] Shape, float[] Values)> tensors)
    {
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, (shape, values)) in tensors)
        {
            var bytes = values.LongLength * sizeof(float);
            header[name] = new { dtype = "F32", shape, data_offsets = new[] { offset, offset + bytes } };
            offset += bytes;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        // The data that follows starts 8-byte aligned; the format pads the header with spaces for that.
        var padded = (json.Length + 7) / 8 * 8;
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)padded));
        file.Write(json);
        for (var i = json.Length; i < padded; i++)
            file.WriteByte((byte)' ');
        foreach (var (_, (_, values)) in tensors)
            file.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
