using System.CommandLine;
using Microsoft.ML.Alter.Bench.Cli;

namespace Microsoft.ML.Alter.Bench;

/// <summary>The measurements that are not parts of the benchmark run, and how every command is invoked.</summary>
internal static class Measurements
{
    public static IEnumerable<CliCommand> Commands() => new[]
    {
        EncoderThroughput.Create(),
        Profile.TrainingStepProfile.Create(),
        Scaling.ExpertMemoryCommand.Create(),
        Serving.OnnxServingCommand.Create(),
        Suite.ReportCommand.Create(),
    };

    /// <summary>A command whose action reads the common options first; <paramref name="options"/> are added to it.</summary>
    public static CliCommand Create(string name, string description, Func<ParseResult, Common, int> action, params Option[] options)
    {
        var command = new CliCommand(name, description);
        var common = new CommonOptions();
        common.AddTo(command);
        Opt.AddTo(command, options);
        command.SetAction(r => action(r, common.Read(r)));
        return command;
    }

    public static int Invoke(RootCommand root, string[] args)
    {
        try
        {
            return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException)
        {
            // Bad options and bad data folders are the user's to fix: the message names what is wrong, a stack trace does not help.
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
