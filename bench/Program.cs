using Microsoft.ML.Alter.Bench;

// alter-bench <command> [options]. Each command prints its figures with the machine and the command line.
var commands = new Dictionary<string, Func<BenchArgs, int>>(StringComparer.OrdinalIgnoreCase)
{
    ["encoder"] = EncoderThroughput.Run,
};
if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench -- <command> [--data DIR] [...]");
    Console.Error.WriteLine("commands:");
    Console.Error.WriteLine("  encoder [--data DIR] [--task sst2] [--split test] [--batch 32] [--repeat 2]");
    Console.Error.WriteLine("      pretrained MiniLM encoder inference: TorchSharp vs ONNX Runtime, sentences/s and tokens/s");
    return 2;
}
return command(BenchArgs.Parse(args[1..]));
