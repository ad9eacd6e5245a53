using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;

namespace Microsoft.ML.Alter.Tests;

/// <summary>The embedded MiniLM, loaded once for all tests that need it (it takes a second or two).</summary>
internal static class MiniLmFixture
{
    private static readonly Lazy<(PretrainedCheckpoint Checkpoint, BertModel Model, BertTextTokenizer Tokenizer)> Loaded = new(() =>
    {
        var checkpoint = PretrainedCheckpoint.LoadEmbeddedMiniLm();
        var model = checkpoint.CreateModel();
        model.eval();
        return (checkpoint, model, checkpoint.CreateTokenizer(128));
    });

    public static PretrainedCheckpoint Checkpoint => Loaded.Value.Checkpoint;

    /// <summary>In eval mode; tests must not train it.</summary>
    public static BertModel Model => Loaded.Value.Model;

    public static BertTextTokenizer Tokenizer => Loaded.Value.Tokenizer;
}
