using System.Diagnostics;

namespace Microsoft.ML.Alter.Bench.Speed;

/// <summary>The process's memory at one moment.</summary>
/// <param name="RssBytes">Resident set size (Linux VmRSS; elsewhere Environment.WorkingSet).</param>
/// <param name="PeakRssBytes">Highest resident set size so far (Linux VmHWM; elsewhere Process.PeakWorkingSet64).</param>
/// <param name="ManagedHeapBytes">.NET heap in use (GC.GetTotalMemory): tells a managed leak from a native (libtorch) one.</param>
public sealed record MemorySample(long RssBytes, long PeakRssBytes, long ManagedHeapBytes);

/// <summary>
/// Reads resident memory the way an operator sees it. TorchSharp's tensors live in native memory, so the .NET heap alone
/// would miss most of a model's footprint; RSS covers both.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Memory now. With <paramref name="collect"/>, a full blocking GC and the finalizers run first, so what is
    /// left is what is still referenced (TorchSharp frees a tensor's native memory when its wrapper is finalized).</summary>
    public static MemorySample Sample(bool collect = false)
    {
        if (collect)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        var managed = GC.GetTotalMemory(forceFullCollection: false);
        if (ReadStatus() is { } status && status.TryGetValue("VmRSS", out var rss) && status.TryGetValue("VmHWM", out var hwm))
            return new MemorySample(rss, hwm, managed);
        using var process = Process.GetCurrentProcess();
        return new MemorySample(Environment.WorkingSet, process.PeakWorkingSet64, managed);
    }

    /// <summary>
    /// Resets the peak (VmHWM) to the current RSS (Linux: "5" into /proc/self/clear_refs), so that a later peak belongs to
    /// what ran after this call rather than to loading. False where that is not possible; the peak is then since start.
    /// </summary>
    public static bool TryResetPeak()
    {
        try
        {
            if (!File.Exists("/proc/self/clear_refs"))
                return false;
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Fields of /proc/self/status given in kB, in bytes; null off Linux.</summary>
    private static Dictionary<string, long>? ReadStatus()
    {
        if (!File.Exists("/proc/self/status"))
            return null;
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            var parts = line.Split(':', 2);
            if (parts.Length == 2 && parts[1].Trim().Split(' ') is [var number, "kB"] && long.TryParse(number, out var kb))
                result[parts[0]] = kb * 1024;
        }
        return result;
    }
}
