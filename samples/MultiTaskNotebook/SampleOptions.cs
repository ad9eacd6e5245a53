/// <summary>Command line: <c>--data DIR</c>, <c>--out DIR</c>, <c>--quick</c>. Anything else is an error, not ignored.</summary>
internal sealed record SampleOptions(string DataDirectory, string OutputDirectory, bool Quick)
{
    // The bundled data is copied beside the program (see the .csproj), so the sample runs from any working directory.
    private static string BundledData => Path.Combine(AppContext.BaseDirectory, "data");

    public static SampleOptions Parse(string[] args)
    {
        string data = BundledData, output = "output";
        var quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data": data = Value(args, ref i); break;
                case "--out": output = Value(args, ref i); break;
                case "--quick": quick = true; break;
                case "-h" or "--help":
                    Console.WriteLine("Usage: dotnet run --project samples/MultiTaskNotebook [-- [--data DIR] [--out DIR] [--quick]]");
                    Console.WriteLine("  --data DIR  one folder per task with train.tsv, dev.tsv, test.tsv (default: the bundled data)");
                    Console.WriteLine("  --out DIR   where model.zip and expert-weights.png go (default: output/)");
                    Console.WriteLine("  --quick     subsample every split and train 1 epoch per stage (for CI)");
                    Environment.Exit(0);
                    break;
                default: throw new ArgumentException($"Unknown argument '{args[i]}'. Try --help.");
            }
        }
        return new SampleOptions(Path.GetFullPath(data), Path.GetFullPath(output), quick);
    }

    private static string Value(string[] args, ref int i)
        => ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}
