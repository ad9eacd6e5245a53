using System.CommandLine;
using System.Globalization;
using Microsoft.ML.Alter.Bench;
using Microsoft.ML.Alter.Bench.Suite;

// Figures are printed and written with "." decimals whatever the machine's locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

// alter-bench [command] [options]: no command runs the whole benchmark. Each command prints its figures with the machine,
// the command line and the revision, and writes raw JSON to --out.
var root = SuiteOptions.Attach(new RootCommand(
    "The benchmark: every system on every task folder, scoring speed, memory, scaling; BENCHMARKS-MODE.md and raw JSON in --out. "
    + "Each part is also a command; --systems picks parts."), SuitePlan.AllParts);
foreach (var (name, parts, description) in SuitePlan.Commands)
    root.Subcommands.Add(SuiteOptions.Attach(new CliCommand(name, description), parts));
foreach (var command in Measurements.Commands())
    root.Subcommands.Add(command);
return Measurements.Invoke(root, args);
