using Spectre.Console;

namespace Microsoft.ML.Alter.Cli;

/// <summary>
/// Where the tool writes: results (JSON or TSV a script reads) to <see cref="Data"/>, standard output; progress and warnings
/// to <see cref="Console"/>, standard error, so that piping the results never carries a progress bar; errors (bad
/// arguments, a failed command) to <see cref="Errors"/>, standard error.
/// </summary>
internal sealed record CliOutput(TextWriter Data, IAnsiConsole Console, TextWriter Errors)
{
    /// <summary>A warning line (skipped rows, a clamped option) on the progress console.</summary>
    public void Warn(string message) => Console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");

    public static CliOutput Standard() => new(System.Console.Out,
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) }), System.Console.Error);
}
