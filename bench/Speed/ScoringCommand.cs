namespace Microsoft.ML.Alter.Bench.Speed;

/// <summary>
/// `scoring`: ALTER served through ML.NET (Transform and PredictionEngine, batch 32 and 1) beside ONNX Runtime running the
/// plain MiniLM encoder on the same sentences; sentences/s, tokens/s, FLOPs per token; results/scoring.json.
/// </summary>
internal static class ScoringCommand
{
    public static int Run(BenchArgs args)
    {
        var threads = args.GetInt("threads", 0);
        if (threads > 0)
            TorchSharp.torch.set_num_threads(threads);
        var quick = args.Flag("quick");
        var task = args.Get("task", "sst2");
        var split = args.Get("split", "test");
        var limit = args.GetInt("limit", quick ? 200 : int.MaxValue);
        var options = new ScoringSpeedOptions
        {
            BatchSizes = args.GetList("batches")?.Select(b => int.Parse(b, System.Globalization.CultureInfo.InvariantCulture)).ToArray() ?? new[] { 32, 1 },
            Repeat = args.GetInt("repeat", quick ? 1 : 2),
            WarmupRows = args.GetInt("warmup", quick ? 32 : 64),
            OnnxThreads = threads > 0 ? threads : Environment.ProcessorCount,
        };
        var data = args.DataFolder();
        var stamp = RunStamp.Capture();
        stamp.PrintHeader();

        var sentences = SpeedInputs.Sentences(data, task, split, limit);
        var mta = new Modeling.MtaOptions { ExpertsPerTask = args.GetOptionalInt("experts-per-task") };
        using var model = SpeedInputs.Model(data, args.Get("model", ""), mta);
        // An untrained model costs what a stage-1 model does; --shared S adds stage 2's shared experts and gate.
        if (args.GetInt("shared", 0) is > 0 and var shared && model.Config.SharedExpertCount == 0)
            model.AddStage2(shared);
        Console.WriteLine($"model: {(args.Get("model", "") is { Length: > 0 } path ? path : "untrained (costs what a trained one does)")}, "
                          + $"tasks {string.Join(", ", model.Tasks.Select(t => t.Name))}");
        var result = ScoringSpeed.Measure(model, sentences, options, Console.WriteLine);
        var weightCheck = ForwardFlops.FromLinearWeights(model);

        Console.WriteLine();
        Console.WriteLine($"data: {task}/{split}.tsv, {result.Rows} sentences, {result.Tokens} tokens (mean {result.Tokens / (double)result.Rows:F1}); "
                          + $"TorchSharp threads {result.TorchThreads}, ONNX Runtime threads {result.OnnxThreads}; best of {result.Repeat}");
        Console.WriteLine();
        Console.WriteLine("| engine | path | batch | sentences/s | tokens/s | padded tokens | GFLOP/s (weights, padded) |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var m in result.Measurements)
        {
            var flops = m.Engine == ScoringSpeed.OnnxEngine ? result.Cost.EncoderFlopsPerToken : result.Cost.AlterFlopsPerToken;
            Console.WriteLine($"| {m.Engine} | {m.Path} | {m.BatchSize} | {m.SentencesPerSecond:F1} | {m.TokensPerSecond:F0} | {m.PaddedTokens} | {flops * m.PaddedTokens / m.Seconds / 1e9:F1} |");
        }
        Console.WriteLine();
        if (result.AlterTransformToOnnxAtBatch32 is { } ratio)
            Console.WriteLine($"ALTER Transform / ONNX Runtime at batch 32: {ratio:F2}× (target ≥ 0.8×)");
        Console.WriteLine($"forward cost: {result.Cost}");
        Console.WriteLine($"  check: 2 × the encoder's per-token linear weights = {weightCheck / 1e6:F1} MFLOP/token"
                          + (model.Config.Mta.IsRouted ? " (every expert's weights; a routed token runs only its task's k)"
                              : Math.Abs(weightCheck - result.Cost.AlterFlopsPerToken) < 1 ? " (matches the count from the configuration)" : " (DIFFERS from the count from the configuration)"));
        Console.WriteLine($"peak RSS: {ScoringMemory.Mib(result.PeakRssBytes):F0} MiB");

        var file = ResultsFile.Write(args, args.Get("name", "scoring") + ".json", new
        {
            stamp,
            loadAverageAtEnd = RunStamp.ReadLoadAverage(),
            data = $"{task}/{split}.tsv",
            model = args.Get("model", "") is { Length: > 0 } m2 ? m2 : $"untrained, {mta}, shared experts {model.Config.SharedExpertCount}, all task folders",
            result,
            flopsFromLinearWeights = weightCheck,
        });
        Console.WriteLine($"wrote {file}");
        return 0;
    }
}
