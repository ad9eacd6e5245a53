namespace Microsoft.ML.Alter.Tests;

/// <summary>
/// A folder of this test project's sources, found by walking up from the test binaries to the repository (the folder
/// holding Alter.sln). [CallerFilePath] would not do: CI builds map source paths to "/_/" (ContinuousIntegrationBuild).
/// </summary>
internal static class SourceFolder
{
    /// <param name="relative">A folder under test/Microsoft.ML.Alter.Tests, e.g. "Architecture".</param>
    public static string Of(string relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "Alter.sln")))
                return Path.Combine(folder.FullName, "test", "Microsoft.ML.Alter.Tests", relative);
        throw new DirectoryNotFoundException($"No Alter.sln above {AppContext.BaseDirectory}: the test runs outside the repository.");
    }
}
