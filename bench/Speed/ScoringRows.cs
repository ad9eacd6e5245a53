using Microsoft.ML.Alter.Data;

namespace Microsoft.ML.Alter.Bench.Speed;

/// <summary>A row as the scoring measurements hand it to ML.NET (an empty Sentence2 is a single-sentence row).</summary>
public sealed class ScoringRow
{
    public string Task { get; set; } = "";
    public string Sentence1 { get; set; } = "";
    public string Sentence2 { get; set; } = "";

    public static ScoringRow From(TaskInput input) => new() { Task = input.Task, Sentence1 = input.Text, Sentence2 = input.Text2 ?? "" };

    /// <summary>
    /// <paramref name="count"/> rows cycling through <paramref name="inputs"/>, made one at a time as a cursor asks for them, so
    /// that a long scoring run's input takes no memory of its own (ML.NET's LoadFromEnumerable streams an enumerable).
    /// </summary>
    public static IEnumerable<ScoringRow> Repeated(IReadOnlyList<TaskInput> inputs, long count)
    {
        for (long i = 0; i < count; i++)
            yield return From(inputs[(int)(i % inputs.Count)]);
    }
}

/// <summary>The ALTER transformer's outputs as PredictionEngine fills them: the key as its raw uint, and the score vector.</summary>
public sealed class ScoringPrediction
{
    public uint PredictedLabel { get; set; }

    public float[] Score { get; set; } = Array.Empty<float>();
}
