namespace Microsoft.ML.Alter.Tests;

/// <summary>
/// One libtorch thread per test process. <c>dotnet test</c> runs the test modules (.NET 10, .NET 8, the auditor) side by
/// side, one per core; libtorch's OpenMP threads spin while they wait, so two threads per process on a busy core made
/// every small operation wait for a descheduled thread: the shared ML.NET model trained in 66 s with two threads
/// against 4.9 s with one on this 2-core machine while another process ran.
/// </summary>
[TestClass]
public static class TorchThreads
{
    [AssemblyInitialize]
    public static void UseOne(TestContext _) => TorchSharp.torch.set_num_threads(1);
}
