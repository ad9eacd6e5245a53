using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Microsoft.ML.Alter.MiniLM;

/// <summary>Finds the all-MiniLM-L6-v2 folder this package ships.</summary>
internal static class MiniLmFolder
{
    /// <summary>The folder's name beside the application, and the name that selects this encoder.</summary>
    public const string Name = "all-MiniLM-L6-v2";

    private static readonly string[] Files = { "config.json", "model.safetensors", "vocab.txt" };

    /// <summary>The first complete folder among the candidates, or an exception naming where it looked.</summary>
    public static string Locate()
        => Locate(Candidates(AppContext.BaseDirectory, typeof(MiniLmFolder).Assembly.Location).ToList());

    internal static string Locate(IReadOnlyList<string> candidates)
    {
        var found = candidates.FirstOrDefault(c => Files.All(f => File.Exists(Path.Combine(c, f))));
        if (found is not null)
            return found;
        throw new DirectoryNotFoundException(
            $"The default encoder {Name} was not found. It is copied beside the application by the package "
            + "Microsoft.ML.Alter.MiniLM (a dependency of Microsoft.ML.Alter) at build and publish: rebuild, or publish "
            + "again if the folder was left out; or pass a Hugging Face checkpoint folder as the base model. Looked in: "
            + string.Join("; ", candidates));
    }

    /// <summary>Where to look, in order, for an application in <paramref name="appFolder"/> and this assembly at <paramref name="location"/> (empty in single-file apps).</summary>
    internal static IEnumerable<string> Candidates(string appFolder, string location)
    {
        // Beside the application: build output, publish folder, container image, single-file app.
        yield return Path.Combine(appFolder, Name);
        if (string.IsNullOrEmpty(location))
            yield break;
        var directory = Path.GetDirectoryName(location)!;
        // Beside this assembly when it was loaded from elsewhere (plugins), or inside its own NuGet package
        // (lib/netstandard2.0/ next to data/) when loaded from the packages folder, as notebooks do.
        yield return Path.Combine(directory, Name);
        yield return Path.GetFullPath(Path.Combine(directory, "..", "..", "data", Name));
    }
}
