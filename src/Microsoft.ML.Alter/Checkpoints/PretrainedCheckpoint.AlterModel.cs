using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Checkpoints;

public sealed partial class PretrainedCheckpoint
{
    /// <summary>
    /// A new ALTER model over this encoder: every MTA expert of the copy kind starts as that layer's pretrained FFN,
    /// adapters start at zero, selectors at the prior, heads at random.
    /// </summary>
    /// <param name="seed">Seeds the fresh weights (heads, adapters, selectors); null leaves TorchSharp's generator as it is.</param>
    /// <param name="device">Where the model's tensors live; null: the CPU.</param>
    public AlterModel CreateAlterModel(IReadOnlyList<TaskSpec> tasks, MtaOptions? options = null,
        int maxLength = BertTextTokenizer.DefaultMaxLength, long? seed = null, Device? device = null)
    {
        options ??= new MtaOptions();
        options.Validate();
        if (tasks.Count == 0)
            throw new ArgumentException("A multi-task model needs at least one task.", nameof(tasks));
        var expertCount = options.ResolveExpertCount(tasks.Count);
        options.ValidateRouting(expertCount);
        var config = new AlterModelConfig
        {
            Encoder = Config,
            // Stored resolved, so a saved model never depends on how a later version reads "default".
            Mta = options with { Layers = options.ResolveLayers(Config.NumHiddenLayers), ExpertCount = expertCount },
            Tasks = tasks.ToList(),
            MaxLength = Math.Min(maxLength, Config.MaxPositionEmbeddings),
            LowerCase = LowerCase,
            TokenizerVersion = BertTextTokenizer.CurrentVersion,
            BaseModel = Source,
        };
        if (seed is { } s)
            manual_seed(s);
        var model = new AlterModel(config, Vocabulary);
        try
        {
            LoadInto(model);
            if (options.RouteWarmupFraction == 0)
                model.FreezeRoutes();
            if (device is not null)
                model.to(device);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private void LoadInto(AlterModel model)
    {
        var config = model.Config;
        var copies = config.Mta.ExpertKind == ExpertKind.FeedForwardCopy ? config.MtaLayers.ToHashSet() : new HashSet<int>();
        IEnumerable<string> TargetsOf(string key)
        {
            // encoder.layer.L.intermediate.dense.weight → encoder.layer.L.mta.experts.E.intermediate.dense.weight
            var parts = key.Split('.');
            if (parts.Length >= 5 && parts[0] == "encoder" && parts[1] == "layer" && int.TryParse(parts[2], out var layer)
                && copies.Contains(layer) && parts[4] == "dense" && parts[3] is "intermediate" or "output")
            {
                var rest = string.Join('.', parts[3..]);
                return Enumerable.Range(0, config.ExpertCount).Select(e => $"encoder.layer.{layer}.mta.experts.{e}.{rest}");
            }
            return new[] { key };
        }
        bool InitialisedElsewhere(string key) => key.Contains(".mta.", StringComparison.Ordinal)
            && !(copies.Count > 0 && key.Contains(".mta.experts.", StringComparison.Ordinal));
        StateDictLoader.Load(model.Bert, Weights, Source, TargetsOf, InitialisedElsewhere);
    }
}
