using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Alter.Training;

/// <summary>
/// A stage's best epoch so far and its weights, and early stopping. With validation data the best epoch is the one of
/// highest mean accuracy over tasks, and its trainable weights are copied aside until a later epoch beats it; without,
/// the last epoch is kept (nothing to copy).
/// </summary>
internal sealed class BestWeights(IReadOnlyList<Parameter> trainable, int epochs, int patience, bool validated) : IDisposable
{
    private Dictionary<Parameter, Tensor>? _saved;
    private double _score = double.NegativeInfinity;
    private int _sinceBest;

    /// <summary>1-based; 0 while no epoch has been kept.</summary>
    public int Epoch { get; private set; }

    /// <summary>Per-task validation accuracy of the kept epoch (empty without validation data).</summary>
    public IReadOnlyDictionary<string, double> Accuracy { get; private set; } = new Dictionary<string, double>();

    /// <summary>Records an epoch's result; false when early stopping ends the stage.</summary>
    public bool Observe(int epoch, IReadOnlyDictionary<string, double>? accuracy)
    {
        var score = accuracy is { Count: > 0 } ? accuracy.Values.Average() : epoch;
        if (score > _score)
        {
            _score = score;
            Epoch = epoch;
            Accuracy = accuracy ?? new Dictionary<string, double>();
            _sinceBest = 0;
            // The last epoch's weights are the model's own: no copy needed when it is the best.
            if (validated && epoch < epochs)
                Save();
            else
                Release();
            return true;
        }
        return !(patience > 0 && ++_sinceBest >= patience);
    }

    /// <summary>Puts the kept epoch's weights back when a later epoch was worse (whatever ended the stage).</summary>
    public void Restore()
    {
        if (_saved is null)
            return;
        using (no_grad())
            foreach (var (parameter, saved) in _saved)
                parameter.copy_(saved);
        Release();
    }

    public void Dispose() => Release();

    private void Save()
    {
        using var _ = no_grad();
        if (_saved is null)
            _saved = trainable.ToDictionary(p => p, p => p.detach().clone().DetachFromDisposeScope());
        else
            foreach (var (parameter, saved) in _saved)
                saved.copy_(parameter);
    }

    private void Release()
    {
        if (_saved is null)
            return;
        foreach (var t in _saved.Values)
            t.Dispose();
        _saved = null;
    }
}
