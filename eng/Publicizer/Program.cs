// Command-line entry of the build-time tool behind eng/MLNetInternals.targets.
//
// ML.NET keeps its persistence API internal. A library that wants ML.NET's own Model.Save/Load to carry
// its transformers compiles against "publicized" copies of the ML.NET assemblies (publicize) and declares
// [assembly: IgnoresAccessChecksTo(...)] so that the runtime lets it use the real, signed assemblies.
// Because that internal surface carries no compatibility promise, `audit` lists what the library really
// uses and fails when an ML.NET version no longer has it.

using Microsoft.ML.Alter.Build.Publicizer;

const string Usage = """
    usage:
      Publicizer publicize [--include-private] <in.dll> <out.dll> [<in.dll> <out.dll>]...
          Writes a compile-time-only copy of each input in which every internal, private protected and
          protected type and member is public (overridable protected members stay protected);
          --include-private opens private members too. The copy is not validly signed: never ship it.

      Publicizer audit <lib.dll> <reference-dir>... [--report <file>]
          Lists every non-public ML.NET (Microsoft.ML*) type or member that <lib.dll> uses, resolved against
          the real assemblies found in the reference directories. Exits 1 when one of them no longer exists,
          when an override or interface implementation has lost its target, or when <lib.dll> lacks the
          [assembly: IgnoresAccessChecksTo] declaration the runtime needs. With --report the listing goes
          to <file> and stdout carries only the problems and the summary.

      An argument "@file" is replaced by the lines of file (one argument per line, blank lines ignored).
    exit codes: 0 success, 1 audit found a problem, 2 bad usage or unreadable input
    """;

try
{
    var arguments = ExpandResponseFiles(args);
    if (arguments.Count == 0 || arguments[0] is "-h" or "--help" or "help")
    {
        Console.Out.WriteLine(Usage);
        return arguments.Count == 0 ? 2 : 0;
    }

    switch (arguments[0])
    {
        case "publicize":
        {
            var pairs = arguments.Skip(1).ToList();
            bool includePrivate = pairs.Remove("--include-private");
            if (pairs.FirstOrDefault(a => a.StartsWith("--", StringComparison.Ordinal)) is { } unknown)
                return UsageError($"unknown option {unknown}");
            if (pairs.Count == 0 || pairs.Count % 2 != 0)
                return UsageError("publicize expects pairs of <in.dll> <out.dll>.");
            for (int i = 0; i < pairs.Count; i += 2)
            {
                if (!File.Exists(pairs[i]))
                    return UsageError($"input assembly not found: {pairs[i]}");
                var stats = AssemblyPublicizer.Publicize(pairs[i], pairs[i + 1], includePrivate);
                Console.Out.WriteLine($"Publicizer: {Path.GetFileName(pairs[i])} -> {pairs[i + 1]} ({stats})");
            }
            return 0;
        }

        case "audit":
        {
            string? report = null;
            var positional = new List<string>();
            for (int i = 1; i < arguments.Count; i++)
            {
                if (arguments[i] == "--report")
                {
                    if (++i >= arguments.Count) return UsageError("--report needs a file name.");
                    report = arguments[i];
                }
                else if (arguments[i].StartsWith("--", StringComparison.Ordinal))
                    return UsageError($"unknown option {arguments[i]}");
                else
                    positional.Add(arguments[i]);
            }
            if (positional.Count < 2)
                return UsageError("audit expects <lib.dll> and at least one reference directory.");
            if (!File.Exists(positional[0]))
                return UsageError($"library not found: {positional[0]}");
            foreach (var dir in positional.Skip(1))
                if (!Directory.Exists(dir))
                    return UsageError($"reference directory not found: {dir}");
            return InternalsAuditor.Run(positional[0], positional.Skip(1).ToList(), report);
        }

        default:
            return UsageError($"unknown command '{arguments[0]}'.");
    }
}
catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
{
    // Shaped like a compiler diagnostic so that MSBuild's Exec reports it as a build error.
    Console.Error.WriteLine($"Publicizer: error MLNETPUB002: {e.Message}");
    return 2;
}
catch (Exception e)
{
    // A bug or an assembly Cecil cannot handle: still a build error rather than a bare crash, with the trace.
    Console.Error.WriteLine($"Publicizer: error MLNETPUB003: unexpected failure: {e}");
    return 2;
}

static int UsageError(string message)
{
    Console.Error.WriteLine($"Publicizer: error MLNETPUB001: {message}");
    Console.Error.WriteLine(Usage);
    return 2;
}

static List<string> ExpandResponseFiles(IEnumerable<string> raw)
{
    // MSBuild hands over directory lists through a file: long command lines and trailing backslashes
    // inside quotes are both trouble on Windows.
    var result = new List<string>();
    foreach (var a in raw)
    {
        if (a.Length > 1 && a[0] == '@')
            result.AddRange(File.ReadAllLines(a[1..]).Select(l => l.Trim()).Where(l => l.Length > 0));
        else
            result.Add(a);
    }
    return result;
}
