using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// The MTA module of one encoder layer (HF-style name <c>encoder.layer.N.mta</c>).
/// Stage 1: the feed-forward output of a row of task t is Σ_e softmax(g_t / τ)_e · expert_e(h) (over the task's route
/// only when it is routed).
/// Stage 2 (after <see cref="AddSharedExperts"/>): that task mixture and each shared expert are branches, and a
/// gate network weighs the branches per row from their first-token outputs.
/// </summary>
internal sealed class MixtureOfTaskAdapters : nn.Module
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> experts;
    private readonly TaskWeightSelector selector;
    private ModuleList<nn.Module<Tensor, Tensor>>? shared;
    private ExpertGate? gate;
    private readonly BertConfig _config;
    private readonly MtaOptions _options;

    public MixtureOfTaskAdapters(BertConfig config, MtaOptions options, int taskCount) : base("mta")
    {
        _config = config;
        _options = options;
        var count = options.ResolveExpertCount(taskCount);
        experts = nn.ModuleList(Enumerable.Range(0, count).Select(e => NewExpert(e)).ToArray());
        selector = new TaskWeightSelector(taskCount, count, options.Temperature, options.PriorFavored, options.PriorOther);
        RegisterComponents();
    }

    /// <summary>True when the experts are copies of the pretrained FFN and take its place.</summary>
    public bool ReplacesFeedForward => _options.ExpertKind == ExpertKind.FeedForwardCopy;

    public TaskWeightSelector Selector => selector;

    public int ExpertCount => experts.Count;

    public int SharedExpertCount => shared?.Count ?? 0;

    public IEnumerable<nn.Module> Experts => experts;

    /// <summary>Parameters of the stage-2 shared experts (none before stage 2).</summary>
    public IEnumerable<Parameter> SharedExpertParameters() => shared?.parameters() ?? Enumerable.Empty<Parameter>();

    /// <summary>Parameters of the stage-2 gate network (none before stage 2).</summary>
    public IEnumerable<Parameter> GateParameters() => gate?.parameters() ?? Enumerable.Empty<Parameter>();

    private nn.Module<Tensor, Tensor> NewExpert(int index) => _options.ExpertKind switch
    {
        ExpertKind.FeedForwardCopy => new FeedForwardExpert(_config, index),
        _ => new AdapterExpert(_config, _options.AdapterSize, index),
    };

    /// <summary>
    /// Adds stage 2's <paramref name="count"/> shared experts and the gate. Each shared expert starts as the average
    /// of the stage-1 experts' weights: the experts began as one pretrained FFN (or as zero adapters) and were
    /// fine-tuned briefly, so they stay close and their average is a working expert that holds what all tasks
    /// learned, not a random or merely pretrained one. Call <see cref="InitialiseSharedExperts"/> after the stage-1
    /// weights are in place.
    /// </summary>
    public void AddSharedExperts(int count)
    {
        if (shared is not null)
            throw new InvalidOperationException("This layer already has its stage-2 shared experts.");
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "Stage 2 needs at least one shared expert.");
        shared = nn.ModuleList(Enumerable.Range(0, count).Select(NewExpert).ToArray());
        gate = new ExpertGate(_config.HiddenSize, count + 1, _options.GateHiddenSize);
        register_module("shared", shared);
        register_module("gate", gate);
    }

    /// <summary>Sets every shared expert to the parameter-wise mean of the task experts.</summary>
    public void InitialiseSharedExperts()
    {
        if (shared is null)
            throw new InvalidOperationException("Add the shared experts first.");
        using var _ = no_grad();
        var expertParameters = experts.Select(e => e.named_parameters().ToDictionary(p => p.name, p => p.parameter)).ToList();
        foreach (var sharedExpert in shared)
            foreach (var (name, parameter) in sharedExpert.named_parameters())
            {
                using var mean = stack(expertParameters.Select(e => (Tensor)e[name])).mean(new long[] { 0 });
                parameter.copy_(mean);
            }
    }

    /// <summary>
    /// Σ_e w_e · expert_e(h) per row. Grouped execution: each expert runs once, as one matmul, on the rows whose task
    /// uses it (the whole batch when every row's task does; with a dense mixture that is every expert), and its
    /// weighted output is scattered back to those rows; an expert no row uses is not run. Terms are added in expert
    /// order, so a row gets the dense sum with its zero-weight terms left out.
    /// </summary>
    private Tensor TaskMixture(Tensor hidden, Tensor taskIds, Tensor weights)
    {
        // Grouping needs the task ids on the CPU (a device sync); a dense mixture runs every expert on every row without it.
        long[]? rowTasks = null;
        if (selector.HasRoutes)
        {
            using var cpuTasks = taskIds.cpu();
            rowTasks = cpuTasks.data<long>().ToArray();
        }
        Tensor? mixture = null;
        for (var e = 0; e < experts.Count; e++)
        {
            var rows = rowTasks is null ? null : selector.RowsOf(e, rowTasks);
            if (rows is null)
            {
                // Every row: one matmul over the whole batch, no gather (the original dense mixture).
                var contribution = experts[e].forward(hidden) * weights[.., e].view(-1, 1, 1);
                mixture = mixture is null ? contribution : mixture.add_(contribution);
            }
            else if (rows.Length > 0)
            {
                var index = tensor(rows, device: hidden.device);
                var contribution = experts[e].forward(hidden.index_select(0, index)) * weights.index_select(0, index)[.., e].view(-1, 1, 1);
                mixture = (mixture ?? zeros_like(hidden)).index_add(0, index, contribution, 1);
            }
        }
        return mixture ?? throw new InvalidOperationException("No expert ran: every task is routed to at least one expert.");
    }

    /// <param name="hidden">[batch, length, hidden], the attention sublayer's output.</param>
    /// <param name="taskIds">[batch] int64.</param>
    /// <returns>[batch, length, hidden], the feed-forward output before dropout, residual and LayerNorm.</returns>
    public Tensor forward(Tensor hidden, Tensor taskIds)
    {
        using var scope = NewDisposeScope();
        var weights = selector.RowWeights(taskIds);
        var mixture = TaskMixture(hidden, taskIds, weights);
        if (shared is null || gate is null)
            return mixture.MoveToOuterDisposeScope();

        var branches = new List<Tensor>(shared.Count + 1) { mixture };
        branches.AddRange(shared.Select(s => s.forward(hidden)));
        var firstTokens = cat(branches.Select(b => b[.., 0, ..]).ToArray(), 1);
        var branchWeights = gate.forward(firstTokens);
        Tensor output = branches[0] * branchWeights[.., 0].view(-1, 1, 1);
        for (var b = 1; b < branches.Count; b++)
            output = output.add_(branches[b] * branchWeights[.., b].view(-1, 1, 1));
        return output.MoveToOuterDisposeScope();
    }
}
