using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Modeling;

/// <summary>
/// Each task's learned logits g_t over the experts; the task's mixture weights are softmax(g_t / τ), the same for
/// every token of every row of that task. One parameter per task (<c>selector.T</c>) so that a task added later
/// trains alone while the others stay frozen.
/// </summary>
public sealed class TaskWeightSelector : nn.Module
{
    private readonly ParameterList logits;
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
        return parameter;
    }

    public Parameter LogitsOf(int task) => logits[task];

    /// <summary>[tasks, experts] mixture weights, each row summing to 1.</summary>
    public Tensor Weights()
    {
        using var scope = NewDisposeScope();
        return softmax(stack(logits.Select(p => (Tensor)p)) / _temperature, 1).MoveToOuterDisposeScope();
    }

    /// <summary>[batch, experts]: the weights of each row's task.</summary>
    public Tensor RowWeights(Tensor taskIds)
    {
        using var scope = NewDisposeScope();
        return Weights().index_select(0, taskIds).MoveToOuterDisposeScope();
    }
}
