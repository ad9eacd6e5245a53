using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// Each task's learned logits g_t over the experts; the task's mixture weights are softmax(g_t / τ), the same for
/// every token of every row of that task. One parameter per task (<c>selector.T</c>) so that a task added later
/// trains alone while the others stay frozen. A routed task (see <see cref="MtaOptions.ExpertsPerTask"/>) has its
/// other experts' logits masked to −∞, so their weights are exactly 0 and the route's weights renormalise.
/// </summary>
internal sealed class TaskWeightSelector : nn.Module
{
    private readonly ParameterList logits;
    private readonly List<int[]?> _routes = new();
    private readonly double _temperature;
    private readonly int _experts;

    public TaskWeightSelector(int taskCount, int expertCount, double temperature, double favored, double other) : base("selector")
    {
        _temperature = temperature;
        _experts = expertCount;
        logits = new ParameterList();
        RegisterComponents();
        for (var t = 0; t < taskCount; t++)
            AddTask(favored, other);
    }

    public int TaskCount => logits.Count;

    public int ExpertCount => _experts;

    /// <summary>
    /// Adds the next task with the prior: its own pair of experts (t, t+1 modulo the expert count) starts at
    /// <paramref name="favored"/>, the others at <paramref name="other"/>, so neighbouring tasks share one expert.
    /// </summary>
    public Parameter AddTask(double favored, double other)
    {
        var t = logits.Count;
        var prior = Enumerable.Repeat((float)other, _experts).ToArray();
        prior[t % _experts] = (float)favored;
        prior[(t + 1) % _experts] = (float)favored;
        var parameter = new Parameter(tensor(prior));
        logits.Add(parameter);
        _routes.Add(null);
        return parameter;
    }

    public Parameter LogitsOf(int task) => logits[task];

    /// <summary>The experts task <paramref name="task"/> is routed to (ascending), or null when it uses all (dense).</summary>
    public IReadOnlyList<int>? RouteOf(int task) => _routes[task];

    /// <summary>Routes task <paramref name="task"/> to <paramref name="experts"/> only (null: dense again).</summary>
    public void SetRoute(int task, IEnumerable<int>? experts)
    {
        var route = experts?.Distinct().Order().ToArray();
        if (route is { Length: 0 } || route?.Any(e => e < 0 || e >= _experts) == true)
            throw new ArgumentException($"A route needs one or more experts in 0..{_experts - 1}: [{string.Join(", ", route!)}].", nameof(experts));
        _routes[task] = route;
    }

    /// <summary>The <paramref name="k"/> experts with task <paramref name="task"/>'s largest logits, ties to the lower index.</summary>
    public int[] TopExperts(int task, int k)
    {
        using var _ = no_grad();
        using var cpu = logits[task].detach().cpu();
        var values = cpu.data<float>().ToArray();
        return Enumerable.Range(0, _experts).OrderByDescending(e => values[e]).ThenBy(e => e).Take(k).Order().ToArray();
    }

    /// <summary>Whether any task is routed; with none, every expert serves every row (the dense mixture).</summary>
    public bool HasRoutes => _routes.Any(r => r is not null);

    /// <summary>
    /// Which rows of a batch run expert <paramref name="expert"/>: null when all of them do (the expert runs on the
    /// whole batch), else the positions of the rows whose task's route holds it (possibly none).
    /// </summary>
    public long[]? RowsOf(int expert, IReadOnlyList<long> rowTasks)
    {
        if (rowTasks.All(t => _routes[(int)t] is not { } route || route.Contains(expert)))
            return null;
        return Enumerable.Range(0, rowTasks.Count).Where(r => _routes[(int)rowTasks[r]] is not { } route || route.Contains(expert)).Select(r => (long)r).ToArray();
    }

    /// <summary>[tasks, experts] mixture weights, each row summing to 1 (exact zeros outside a routed task's route).</summary>
    public Tensor Weights()
    {
        using var scope = NewDisposeScope();
        var scaled = stack(logits.Select(p => (Tensor)p)) / _temperature;
        if (HasRoutes)
        {
            var mask = new float[_routes.Count * _experts];
            for (var t = 0; t < _routes.Count; t++)
                if (_routes[t] is { } route)
                    for (var e = 0; e < _experts; e++)
                        if (!route.Contains(e))
                            mask[t * _experts + e] = float.NegativeInfinity;
            scaled = scaled + tensor(mask, device: scaled.device).view(_routes.Count, _experts);
        }
        return softmax(scaled, 1).MoveToOuterDisposeScope();
    }

    /// <summary>[batch, experts]: the weights of each row's task.</summary>
    public Tensor RowWeights(Tensor taskIds)
    {
        using var scope = NewDisposeScope();
        return Weights().index_select(0, taskIds).MoveToOuterDisposeScope();
    }
}
