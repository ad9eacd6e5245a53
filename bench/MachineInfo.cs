using System.Runtime.InteropServices;

namespace Microsoft.ML.Alter.Bench;

internal static class MachineInfo
{
    public static string Describe()
    {
        var cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{cpu}, {Environment.ProcessorCount} logical cores, {memory:F0} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, "
               + $"TorchSharp threads {TorchSharp.torch.get_num_threads()}";
    }

    public static string CommandLine() => "dotnet run -c Release --project bench -- " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
}
