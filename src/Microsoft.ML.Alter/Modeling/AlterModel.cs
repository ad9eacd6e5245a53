using Microsoft.ML.Alter.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// The ALTER multi-task model: a pretrained BERT-family encoder (<c>bert.*</c>) whose chosen layers mix task
/// adapters, and one classification head per task (<c>heads.T.*</c>). Plain TorchSharp; no ML.NET types.
/// </summary>
public sealed class AlterModel : nn.Module
{
    private readonly BertModel bert;
    private readonly ModuleList<TaskHead> heads;
    private readonly Dictionary<string, int> _taskIndex;

    /// <summary>Builds the structure described by <paramref name="config"/>, with fresh (untrained) weights.</summary>
    internal AlterModel(AlterModelConfig config, string vocabulary) : base("alter")
    {
        config.Mta.Validate();
        foreach (var task in config.Tasks)
            task.Validate();
        var duplicate = config.Tasks.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Task '{duplicate.Key}' is listed twice.");

        Config = config;
        Vocabulary = vocabulary;
        Tokenizer = new BertTextTokenizer(vocabulary, config.LowerCase, Math.Min(config.MaxLength, config.Encoder.MaxPositionEmbeddings), config.TokenizerVersion);
        var mtaLayers = new HashSet<int>(config.MtaLayers);
        // Mixtures are created for the tasks the model was created with; tasks added later are appended below.
        var initialTasks = config.Tasks.Count - config.AddedTasks;
        bert = new BertModel(config.Encoder, i => mtaLayers.Contains(i) ? new MixtureOfTaskAdapters(config.Encoder, config.Mta, initialTasks) : null);
        heads = nn.ModuleList(config.Tasks.Select((t, i) => new TaskHead(config.Encoder.HiddenSize, t.Labels.Count, config.Mta.HeadDropout, i)).ToArray());
        RegisterComponents();
        for (var t = initialTasks; t < config.Tasks.Count; t++)
            foreach (var mixture in Mixtures)
                mixture.Selector.AddTask(config.Mta.PriorFavored, config.Mta.PriorOther);
        if (config.SharedExpertCount > 0)
            foreach (var mixture in Mixtures)
                mixture.AddSharedExperts(config.SharedExpertCount);
        ApplyRoutes(config.Routes);
        _taskIndex = config.Tasks.Select((t, i) => (t.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
    }

    internal AlterModelConfig Config { get; private set; }

    internal string Vocabulary { get; }

    internal BertTextTokenizer Tokenizer { get; }

    internal BertModel Bert => bert;

    public IReadOnlyList<TaskSpec> Tasks => Config.Tasks;

    internal IReadOnlyList<TaskHead> Heads => heads.ToList();

    /// <summary>The mixtures of task adapters, in layer order (one per <see cref="AlterModelConfig.MtaLayers"/>).</summary>
    internal IReadOnlyList<MixtureOfTaskAdapters> Mixtures => bert.Encoder.Layers.Select(l => l.Mixture).OfType<MixtureOfTaskAdapters>().ToList();

    /// <summary>Index of a task, when the model serves it (names compare ordinally, as everywhere).</summary>
    internal bool TryGetTaskIndex(string task, out int index) => _taskIndex.TryGetValue(task, out index);

    /// <summary>Set by <see cref="nn.Module.Dispose()"/>: afterwards the tensors are gone and every use must fail cleanly.</summary>
    internal bool IsDisposed { get; private set; }

    // Recursion allowed: a reader that reads again on the same thread (a save during a copy) must not deadlock.
    private readonly ReaderWriterLockSlim _turn = new(LockRecursionPolicy.SupportsRecursion);

    /// <summary>
    /// The library's one thread-safety rule for a model shared between threads (an ML.NET transformer's, used by
    /// concurrent cursors and prediction engines). Uses that only read the weights (scoring a model in eval mode, saving,
    /// copying) run side by side: libtorch's operators do not change their inputs, and autograd mode and TorchSharp's
    /// dispose scopes are per thread. A model in training mode is scored alone, since inference switches it to eval mode
    /// and back. Disposing waits for every running use and keeps new ones out, so tensors are never freed under a batch.
    /// Measured in the bench's onnx-serving command (PredictionEngines on 1, 2 and 4 threads); tested by the ML.NET
    /// concurrency tests. Scoring an exported ONNX file needs none of this: ONNX Runtime sessions run concurrent calls.
    /// </summary>
    internal T InTurn<T>(Func<T> use)
    {
        _turn.EnterReadLock();
        try
        {
            // Disposed: use() throws its own ObjectDisposedException, naming the type the caller knows.
            if (IsDisposed || !training)
                return use();
        }
        finally
        {
            _turn.ExitReadLock();
        }
        _turn.EnterWriteLock();
        try
        {
            return use();
        }
        finally
        {
            _turn.ExitWriteLock();
        }
    }

    protected override void Dispose(bool disposing)
    {
        _turn.EnterWriteLock();
        try
        {
            IsDisposed = true;
            base.Dispose(disposing);
        }
        finally
        {
            _turn.ExitWriteLock();
        }
    }

    /// <summary>
    /// A deep copy with the same structure, tasks, routes and weights, on the same device, in eval mode: training either
    /// afterwards leaves the other unchanged (stage 2 of an ML.NET pipeline continues from a copy of stage 1's model).
    /// </summary>
    public AlterModel Clone() => InTurn(() =>
    {
        ThrowIfDisposed();
        var copy = new AlterModel(Config, Vocabulary);
        try
        {
            copy.to(parameters().First().device);
            using var _ = no_grad();
            var source = state_dict();
            foreach (var (name, tensor) in copy.state_dict())
                tensor.copy_(source[name]);
            copy.eval();
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    });

    /// <summary>Throws <see cref="ObjectDisposedException"/> naming this type after <see cref="nn.Module.Dispose()"/>.</summary>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);

    /// <summary>Index of a task, or an exception that names it and the tasks the model knows.</summary>
    public int TaskIndex(string task)
        => _taskIndex.TryGetValue(task, out var index)
            ? index
            : throw new ArgumentException($"Unknown task '{task}'. This model serves: {string.Join(", ", Tasks.Select(t => $"'{t.Name}'"))}.");

    /// <summary>Pooled row vectors, [batch, hidden].</summary>
    /// <param name="taskIds">[batch] int64 task indices.</param>
    internal Tensor Pooled(TokenBatch batch, Tensor taskIds)
    {
        using var scope = NewDisposeScope();
        var hidden = bert.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, taskIds);
        var pooled = Config.Mta.Pooling == PoolingKind.Cls ? hidden[.., 0, ..] : Pooling.Mean(hidden, batch.AttentionMask);
        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs each task's head on that task's rows of a mixed batch: (task, positions of its rows in the batch, logits).
    /// Tensors are created in the caller's dispose scope.
    /// </summary>
    /// <param name="pooled">[batch, hidden].</param>
    /// <param name="rowTasks">Task index of each row of the batch.</param>
    internal IEnumerable<(int Task, int[] Positions, Tensor Logits)> HeadLogitsByTask(Tensor pooled, IReadOnlyList<int> rowTasks)
    {
        foreach (var task in rowTasks.Distinct())
        {
            var positions = Enumerable.Range(0, rowTasks.Count).Where(p => rowTasks[p] == task).ToArray();
            using var select = tensor(positions.Select(p => (long)p).ToArray(), device: pooled.device);
            yield return (task, positions, heads[task].forward(pooled.index_select(0, select)));
        }
    }

    /// <summary>True when some task is still dense although the model routes tasks (its route is not chosen yet).</summary>
    internal bool HasUnchosenRoutes => Config.Mta.IsRouted && Mixtures.Any(m => Enumerable.Range(0, m.Selector.TaskCount).Any(t => m.Selector.RouteOf(t) is null));

    /// <summary>
    /// Routes every task that has no route yet to its <see cref="MtaOptions.ExpertsPerTask"/> experts with the largest
    /// selector logits, in every mixture; chosen routes never change. Does nothing for a dense model.
    /// </summary>
    internal void FreezeRoutes()
    {
        if (!Config.Mta.IsRouted)
            return;
        var k = Config.Mta.ExpertsPerTask!.Value;
        foreach (var selector in Mixtures.Select(m => m.Selector))
            for (var t = 0; t < selector.TaskCount; t++)
                if (selector.RouteOf(t) is null)
                    selector.SetRoute(t, selector.TopExperts(t, k));
        SyncRoutes();
    }

    private void SyncRoutes()
    {
        if (Config.Mta.IsRouted)
            Config = Config with
            {
                Routes = Mixtures.Select(m => Enumerable.Range(0, m.Selector.TaskCount).Select(t => m.Selector.RouteOf(t)?.ToArray() ?? Array.Empty<int>()).ToArray()).ToArray(),
            };
    }

    private void ApplyRoutes(int[][][]? routes)
    {
        if (routes is null)
            return;
        var mixtures = Mixtures;
        if (routes.Length != mixtures.Count || routes.Any(layer => layer.Length != Config.Tasks.Count))
            throw new InvalidDataException($"The saved routes do not match the model: {routes.Length} layers for {mixtures.Count} mixtures, {Config.Tasks.Count} tasks.");
        for (var l = 0; l < mixtures.Count; l++)
            for (var t = 0; t < routes[l].Length; t++)
                if (routes[l][t].Length > 0)
                    mixtures[l].Selector.SetRoute(t, routes[l][t]);
    }

    /// <summary>Mixture weights [MTA layer][task][expert] (each task's weights sum to 1; 0 outside a routed task's route).</summary>
    public double[][][] ExpertWeights()
    {
        ThrowIfDisposed();
        using var _ = no_grad();
        return Mixtures.Select(m =>
        {
            using var w = m.Selector.Weights().to(ScalarType.Float64).cpu();
            var flat = w.data<double>().ToArray();
            var experts = (int)w.shape[1];
            return Enumerable.Range(0, (int)w.shape[0]).Select(t => flat.AsSpan(t * experts, experts).ToArray()).ToArray();
        }).ToArray();
    }

    /// <summary>Adds stage 2's shared experts and gate to every mixture, shared experts starting as the experts' mean.</summary>
    internal void AddStage2(int sharedExperts)
    {
        if (Config.SharedExpertCount > 0)
            throw new InvalidOperationException("This model already has its stage-2 shared experts and gate.");
        foreach (var mixture in Mixtures)
        {
            mixture.AddSharedExperts(sharedExperts);
            mixture.InitialiseSharedExperts();
        }
        Config = Config with { SharedExpertCount = sharedExperts };
    }

    /// <summary>
    /// Appends a task: a selector logit vector per mixture (with the prior's next pair of experts) and a new head.
    /// Nothing existing changes, so the other tasks' predictions stay bit-identical. In a routed model the new task
    /// gets its route by the same rule as the first tasks: the prior's top k at once when
    /// <see cref="MtaOptions.RouteWarmupFraction"/> is 0, else the top k of its own logits after that fraction of its
    /// training (the trainer's <c>AddTask</c>).
    /// </summary>
    internal (IReadOnlyList<Parameter> Selectors, TaskHead Head) AddTask(TaskSpec task)
    {
        task.Validate();
        if (_taskIndex.ContainsKey(task.Name))
            throw new ArgumentException($"The model already has a task '{task.Name}'.");
        var selectors = Mixtures.Select(m => m.Selector.AddTask(Config.Mta.PriorFavored, Config.Mta.PriorOther)).ToList();
        var head = new TaskHead(Config.Encoder.HiddenSize, task.Labels.Count, Config.Mta.HeadDropout, Tasks.Count);
        heads.Add(head);
        // ModuleList.Add keeps the item but does not make it a named submodule; state_dict and save need the name.
        heads.register_module(head.GetName(), head);
        _taskIndex[task.Name] = Tasks.Count;
        Config = Config with { Tasks = Tasks.Append(task).ToList(), AddedTasks = Config.AddedTasks + 1 };
        if (Config.Mta.RouteWarmupFraction == 0)
            FreezeRoutes();
        else
            SyncRoutes();
        return (selectors, head);
    }
}
