using Microsoft.ML.Alter.Cli;

return AlterCommand.Run(args, CliOutput.Standard());
