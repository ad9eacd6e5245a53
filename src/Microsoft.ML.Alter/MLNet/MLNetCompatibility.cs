using System.Reflection;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// The package accepts any Microsoft.ML 5.0.x, but the library compiles against ML.NET internals that carry no
/// compatibility promise, and ML.NET's assembly version never changes, so a member missing from another patch would
/// only fail deep inside Fit or Load. Once per process, before the first estimator or transformer is made, every
/// type and member reference of this assembly is resolved against the assemblies actually loaded; anything missing
/// fails at once, named, beside the ML.NET version that was loaded and the one the build audited.
/// </summary>
internal static class MLNetCompatibility
{
    private static readonly Lazy<IReadOnlyList<string>> Missing = new(() => Check(typeof(MLNetCompatibility).Module).Missing);

    /// <summary>The ML.NET version the build audited the internals against (eng/MLNetInternals.targets).</summary>
    public static string AuditedVersion { get; } = typeof(MLNetCompatibility).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "MLNetInternalsVersion")?.Value ?? "unknown";

    /// <summary>The ML.NET version loaded in this process (informational version, without the commit).</summary>
    public static string LoadedVersion { get; } = (typeof(MLContext).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
        ?.InformationalVersion ?? "unknown").Split('+')[0];

    public static void EnsureCompatible()
    {
        if (Missing.Value.Count > 0)
            throw new InvalidOperationException(Describe(Missing.Value, LoadedVersion, AuditedVersion));
    }

    internal static string Describe(IReadOnlyList<string> missing, string loaded, string audited)
        => $"Microsoft.ML.Alter cannot run with the ML.NET loaded in this process ({loaded}; the library was built and audited "
           + $"against {audited} and accepts the 5.0.x patches that keep the members it uses). Missing: "
           + string.Join("; ", missing) + $". Reference Microsoft.ML {audited}.";

    /// <summary>Resolves every type and member reference of <paramref name="module"/>; returns what could not be.</summary>
    internal static (int Checked, IReadOnlyList<string> Missing) Check(Module module)
    {
        var missing = new List<string>();
        var count = 0;
        // Metadata tokens: table in the top byte (0x01 TypeRef, 0x0A MemberRef), 1-based row below it.
        foreach (var table in new[] { 0x01000000, 0x0A000000 })
            for (var row = 1; ; row++)
            {
                try
                {
                    module.ResolveMember(table | row);
                    count++;
                }
                catch (ArgumentOutOfRangeException)
                {
                    break;   // past the table's last row
                }
                catch (ArgumentException)
                {
                    // A reference inside a generic context (an open instantiation) resolves only with its type
                    // arguments; such references name generic parameters of this assembly, not ML.NET members.
                }
                catch (FileNotFoundException e) when (!IsMLNetAssembly(e.FileName))
                {
                    // Another package's assembly (ONNX Runtime, used by export and its scoring backend only) loads when
                    // that feature is used; its absence says nothing about the ML.NET version.
                }
                catch (Exception e) when (e is MissingMemberException or TypeLoadException or FileNotFoundException or BadImageFormatException)
                {
                    missing.Add(e.Message);
                }
            }
        // Overrides of ML.NET's internal abstract members are checked when the types load.
        try
        {
            _ = module.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            missing.AddRange(e.LoaderExceptions.OfType<Exception>()
                .Where(l => l is not FileNotFoundException f || IsMLNetAssembly(f.FileName))
                .Select(l => l.Message).Distinct());
        }
        return (count, missing);
    }

    /// <summary>
    /// Whether a missing assembly is one of ML.NET's: signed with the key of the assembly that holds <see cref="MLContext"/>
    /// (an unreadable name counts as ML.NET's, so nothing is hidden). Unsigned assemblies (OnnxSharp) are other packages'.
    /// </summary>
    internal static bool IsMLNetAssembly(string? displayName)
    {
        try
        {
            var token = new AssemblyName(displayName ?? "").GetPublicKeyToken();
            return token is not null && token.AsSpan().SequenceEqual(typeof(MLContext).Assembly.GetName().GetPublicKeyToken());
        }
        catch (Exception e) when (e is ArgumentException or FileLoadException)
        {
            return true;
        }
    }
}
