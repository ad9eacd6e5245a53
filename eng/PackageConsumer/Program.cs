using Microsoft.ML;
using Microsoft.ML.Alter.MLNet;

// train <model.zip>: fits a tiny two-task ALTER model on the embedded encoder and saves it.
// predict <model.zip>: loads it (a fresh process) and predicts one row per task.
if (args.Length != 2 || args[0] is not ("train" or "predict"))
{
    Console.Error.WriteLine("usage: PackageConsumer train|predict <model.zip>");
    return 2;
}
var ml = new MLContext(seed: 1);
var path = args[1];

if (args[0] == "train")
{
    var rows = Rows.Training();
    var data = ml.Data.LoadFromEnumerable(rows);
    var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
        .Append(ml.MulticlassClassification.Trainers.Alter(new AlterEstimator.Options
        {
            TaskColumnName = "Task", Sentence1ColumnName = "Text", Stage1Epochs = 4, Stage1LearningRate = 1e-4,
            Stage2Epochs = 1, BatchSize = 8, MaxLength = 32,
        }))
        .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
    var model = pipeline.Fit(data);
    var accuracy = ml.MulticlassClassification.Evaluate(model.Transform(data)).MicroAccuracy;
    ml.Model.Save(model, data.Schema, path);
    Console.WriteLine($"trained on {rows.Count} rows of 2 tasks, training accuracy {accuracy:F2}; saved {path} ({new FileInfo(path).Length / 1e6:F1} MB)");
    return 0;
}

var loaded = ml.Model.Load(path, out _);
var engine = ml.Model.CreatePredictionEngine<Row, Prediction>(loaded);
var failures = 0;
foreach (var (task, text, expected) in Rows.Checks())
{
    var predicted = engine.Predict(new Row { Task = task, Text = text }).PredictedLabel;
    Console.WriteLine($"{task,-9} {expected,-8} -> {predicted,-8} {text}");
    if (!Rows.LabelsOf(task).Contains(predicted))
        failures++;
}
return failures == 0 ? 0 : 1;

public sealed class Row
{
    public string Task { get; set; } = "";
    public string Text { get; set; } = "";
    public string Label { get; set; } = "";
}

public sealed class Prediction
{
    public string PredictedLabel { get; set; } = "";
}

internal static class Rows
{
    private static readonly (string Task, string Label, string Text)[] All =
    {
        ("mood", "happy", "What a wonderful day, I love it"), ("mood", "happy", "This is great news, thank you"),
        ("mood", "happy", "I am delighted with the result"), ("mood", "happy", "Such a lovely, joyful evening"),
        ("mood", "happy", "The film was brilliant and fun"), ("mood", "happy", "Best meal I have had in years"),
        ("mood", "sad", "This is terrible, I hate it"), ("mood", "sad", "What an awful, boring film"),
        ("mood", "sad", "I am so disappointed and upset"), ("mood", "sad", "The service was rude and slow"),
        ("mood", "sad", "Worst purchase I ever made"), ("mood", "sad", "It broke after one day, useless"),
        ("topic", "sport", "The striker scored twice in the final"), ("topic", "sport", "She won the tennis match in three sets"),
        ("topic", "sport", "The team trains before the league game"), ("topic", "sport", "He ran the marathon in record time"),
        ("topic", "sport", "The coach praised the goalkeeper"), ("topic", "sport", "Fans cheered as the race began"),
        ("topic", "money", "Shares fell after the bank raised rates"), ("topic", "money", "The company reported higher profits"),
        ("topic", "money", "Inflation pushed prices up again"), ("topic", "money", "Investors bought bonds this week"),
        ("topic", "money", "The market closed lower on Friday"), ("topic", "money", "The firm cut costs to save cash"),
    };

    public static List<Row> Training() => All.Select(r => new Row { Task = r.Task, Text = r.Text, Label = r.Label }).ToList();

    public static HashSet<string> LabelsOf(string task) => All.Where(r => r.Task == task).Select(r => r.Label).ToHashSet();

    public static IEnumerable<(string Task, string Text, string Expected)> Checks() => new[]
    {
        ("mood", "I really love this lovely place", "happy"), ("mood", "A boring, awful waste of time", "sad"),
        ("topic", "The goalkeeper saved a penalty", "sport"), ("topic", "The bank raised interest rates", "money"),
    };
}
