namespace Microsoft.ML.Alter.Tests;

/// <summary>
/// One temporary folder per test run, deleted when the run ends: the suite saves dozens of 100 MB MiniLM models, and a
/// CI machine's disk filled up when every run left them behind.
/// </summary>
[TestClass]
public static class TestTempRoot
{
    public static string Path { get; } =
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), "alter-tests", $"run-{Environment.ProcessId}-{Guid.NewGuid():N}");

    [AssemblyCleanup]
    public static void Delete()
    {
        if (Directory.Exists(Path))
            Directory.Delete(Path, recursive: true);
    }
}
