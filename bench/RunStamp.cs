using System.Diagnostics;
using System.Globalization;

namespace Microsoft.ML.Alter.Bench;

/// <summary>What every results/*.json starts with, so a figure can be traced to a machine, a command and a commit.</summary>
internal sealed record RunStamp(string Machine, string Date, string Command, string? GitRevision, string? LoadAverage)
{
    public static RunStamp Capture() => new(
        MachineInfo.Describe(),
        DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture),
        MachineInfo.CommandLine(),
        ReadGitRevision(),
        ReadLoadAverage());

    /// <summary>
    /// What every command prints first: machine, command line, revision and load, so a figure pasted anywhere can be
    /// traced and a contended one recognised (other work on the cores lowers every figure).
    /// </summary>
    public void PrintHeader()
    {
        Console.WriteLine($"machine: {Machine}");
        Console.WriteLine($"command: {Command}");
        Console.WriteLine($"revision: {GitRevision ?? "unknown"}; load average {LoadAverage ?? "unknown"} (timings are contended when it is well above the core count)");
    }

    /// <summary>
    /// The 1/5/15-minute load averages (Linux), because timings on a shared 2-core machine mean little when other
    /// work was running: a load well above the core count flags the figures as contended.
    /// </summary>
    public static string? ReadLoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// HEAD's commit, with " + uncommitted changes" when tracked files differ from it (the figures then come from code no
    /// commit holds), or null outside a repository or without git: a benchmark must not fail for want of it.
    /// </summary>
    private static string? ReadGitRevision()
    {
        var head = Git("rev-parse HEAD");
        if (head is null)
            return null;
        return Git("status --porcelain --untracked-files=no") is { Length: > 0 } ? head + " + uncommitted changes" : head;
    }

    private static string? Git(string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (git is null)
                return null;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
