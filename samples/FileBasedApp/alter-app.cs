#:package Microsoft.ML.Alter@0.1.0
#:package TorchSharp-cpu@0.107.0
#:package Microsoft.ML@5.0.1
// File-based apps default to native AOT settings, which switch off the dynamic code ML.NET generates at run time.
#:property PublishAot=false

// ALTER in one file: trains one all-MiniLM-L6-v2 on every task of a folder (<task>/{train,dev,test}.tsv, as in
// samples/MultiTaskNotebook/data), evaluates each task on its test split, saves the model, loads it back and predicts.
//   dotnet run alter-app.cs -- <data folder> [rows per task and split]
// The packages come from NuGet, or from the local feed that `bash eng/check-package.sh` writes to artifacts/feed
// (see README.md, "Samples").
using Microsoft.ML;
using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.MLNet;

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: dotnet run alter-app.cs -- <data folder> [rows per task and split]");
    return 2;
}
var folder = args[0];
int? rows = args.Length == 2 ? int.Parse(args[1]) : null;
var tasks = TaskFolder.Tasks(folder);
List<Row> Read(string split) => TaskFolder.Read(folder, split, tasks)
    .GroupBy(e => e.Task)
    .SelectMany(g => rows is { } n ? g.Take(n) : g)   // the bundled files are shuffled: the first rows are a fair sample
    .Select(e => new Row { Task = e.Task, Sentence1 = e.Text, Sentence2 = e.Text2 ?? "", Label = e.Label })
    .ToList();

var ml = new MLContext(seed: 1);
var train = ml.Data.LoadFromEnumerable(Read("train"));
var dev = ml.Data.LoadFromEnumerable(Read("dev"));
var testRows = Read("test");

// Train: MapValueToKey gives the key label ML.NET's multiclass trainers want; MapKeyToValue turns predictions back into text.
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.MulticlassClassification.Trainers.Alter(new AlterEstimator.Options
    {
        Sentence2ColumnName = "Sentence2", MaxLength = 64, Stage1Epochs = rows is null ? 2 : 1, ValidationSet = dev,
    }))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
var model = pipeline.Fit(train);

// Evaluate each task on its own test rows.
foreach (var (task, metrics) in ml.MulticlassClassification.EvaluatePerTask(model.Transform(ml.Data.LoadFromEnumerable(testRows))))
    Console.WriteLine($"{task,-12} test accuracy {metrics.MicroAccuracy:F3}");

// Save, load (weights, vocabulary, tasks and labels all travel in the zip), predict.
ml.Model.Save(model, train.Schema, "alter-model.zip");
var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(ml.Model.Load("alter-model.zip", out _));
foreach (var row in testRows.GroupBy(r => r.Task).Select(g => g.First()))
    Console.WriteLine($"{row.Task,-12} {engine.Predict(row).PredictedLabel,-16} (true: {row.Label}) {row.Sentence1} {row.Sentence2}");
return 0;

public sealed class Row
{
    public string Task { get; set; } = "";
    public string Sentence1 { get; set; } = "";
    public string Sentence2 { get; set; } = "";
    public string Label { get; set; } = "";
}

public sealed class Prediction
{
    public string PredictedLabel { get; set; } = "";
}
