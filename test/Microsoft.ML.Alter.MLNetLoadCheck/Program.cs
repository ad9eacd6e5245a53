// Second process of the ML.NET persistence test: load-check <model.zip> <rows.tsv> <scores.txt>
// rows.tsv: Task \t Sentence1 \t Sentence2 \t Label per line. scores.txt: per row, the predicted label then every Score
// float as its exact bit pattern (hex), from Transform; then the same from a PredictionEngine, after a "--" line.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: load-check <model.zip> <rows.tsv> <scores.txt>");
    return 2;
}

static bool AlterLoaded() => AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "Microsoft.ML.Alter");

var before = AlterLoaded();
var ml = new MLContext(seed: 1);
var model = ml.Model.Load(args[0], out var inputSchema);
Console.WriteLine($"alter-loaded-before-load={before} after-load={AlterLoaded()} input-columns={string.Join(",", inputSchema.Select(c => c.Name))}");

var rows = File.ReadAllLines(args[1]).Where(l => l.Length > 0).Select(l => l.Split('\t'))
    .Select(f => new Row { Task = f[0], Sentence1 = f[1], Sentence2 = f[2], Label = f[3] }).ToList();
var scored = ml.Data.CreateEnumerable<Scored>(model.Transform(ml.Data.LoadFromEnumerable(rows)), reuseRowObject: false).ToList();
var lines = scored.Select(Format).ToList();
lines.Add("--");
var engine = ml.Model.CreatePredictionEngine<Row, Scored>(model);
lines.AddRange(rows.Select(r => Format(engine.Predict(r))));
File.WriteAllLines(args[2], lines);
Console.WriteLine($"scored {rows.Count} rows");
return 0;

static string Format(Scored s) => s.PredictedLabel + "\t" + string.Join(" ",
    s.Score.Select(f => BitConverter.SingleToInt32Bits(f).ToString("x8", CultureInfo.InvariantCulture)));

public sealed class Row
{
    public string Task { get; set; } = "";
    public string Sentence1 { get; set; } = "";
    public string Sentence2 { get; set; } = "";
    public string Label { get; set; } = "";
}

public sealed class Scored
{
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = Array.Empty<float>();
}
