using System.Diagnostics;
using Microsoft.ML.Alter.Checkpoints;
using Microsoft.ML.Alter.Inference;

// The main job until the multi-task sample lands: load the embedded pretrained encoder (no download) and show
// that it understands text, by how close it places sentences that mean the same thing.
var clock = Stopwatch.StartNew();
using var checkpoint = PretrainedCheckpoint.LoadEmbeddedMiniLm();
using var encoder = checkpoint.CreateModel(out var report);
var tokenizer = checkpoint.CreateTokenizer();
Console.WriteLine($"Loaded {report} in {clock.Elapsed.TotalSeconds:F1} s.");

string[] sentences =
{
    "The battery lasts all day and the screen is gorgeous.",
    "I love this phone: great display, and it never runs out of charge.",
    "The package arrived broken and support never answered.",
    "Where is my order? It was supposed to arrive on Monday.",
    "The central bank raised interest rates again this quarter.",
};
var vectors = EncoderInference.MeanPooled(encoder, sentences.Select(s => tokenizer.Encode(s)).ToList());

static double Cosine(float[] a, float[] b)
{
    double dot = 0, na = 0, nb = 0;
    for (var i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
    return dot / Math.Sqrt(na * nb);
}

Console.WriteLine("Cosine similarity of mean-pooled all-MiniLM-L6-v2 embeddings:");
for (var i = 0; i < sentences.Length; i++)
{
    var nearest = Enumerable.Range(0, sentences.Length).Where(j => j != i).MaxBy(j => Cosine(vectors[i], vectors[j]));
    Console.WriteLine($"  [{i}] {sentences[i]}");
    Console.WriteLine($"      nearest: [{nearest}] (cosine {Cosine(vectors[i], vectors[nearest]):F3})");
}
