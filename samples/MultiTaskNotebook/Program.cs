using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Data;

// One small pretrained encoder (the embedded all-MiniLM-L6-v2) learns several text-classification tasks at once with
// ALTER's mixture of task adapters, as ordinary ML.NET estimators. Compared with one classic ML.NET model per task.
var wall = Stopwatch.StartNew();
var options = SampleOptions.Parse(args);
Directory.CreateDirectory(options.OutputDirectory);

var mlContext = new MLContext(seed: 1);
// Progress as a bar per stage (TrainingBar); the log adds only its warnings.
AlterLog.Attach(mlContext, warningsOnly: true);

// ---- data: every task's rows in one IDataView; the Task column says which task a row belongs to ----
var data = TaskData.Load(options.DataDirectory, options.Quick ? SampleSettings.QuickRowsPerTask : null);
Console.WriteLine($"Data: {options.DataDirectory}{(options.Quick ? $" (--quick: {SampleSettings.QuickRowsPerTask} rows per task and split)" : "")}");
foreach (var task in data.Tasks)
    Console.WriteLine($"  {task,-12} train {data.Train.Count(r => r.Task == task),4}  dev {data.Dev.Count(r => r.Task == task),4}  "
                      + $"test {data.Test.Count(r => r.Task == task),4}  labels: {string.Join(", ", data.Train.Where(r => r.Task == task).Select(r => r.Label).Distinct().Order())}");
var train = mlContext.Data.LoadFromEnumerable(data.Train);
var dev = mlContext.Data.LoadFromEnumerable(data.Dev);
var test = mlContext.Data.LoadFromEnumerable(data.Test);

// The trainer wants a key label (ML.NET's convention for multiclass); fitted once so both stages share the mapping.
var labelToKey = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(train);
var keyedTrain = labelToKey.Transform(train);

var alterOptions = SampleSettings.AlterOptions(data, dev, options.Quick);

// ---- stage 1: encoder + task adapters + task-weight selectors + heads ----
Console.WriteLine($"\nStage 1 ({alterOptions.Stage1Epochs} epochs):");
var clock = Stopwatch.StartNew();
using var stage1 = TrainingBar.Run(progress =>
{
    alterOptions.Progress = progress;
    return mlContext.MulticlassClassification.Trainers.AlterStage1(alterOptions).Fit(keyedTrain);
});
var stage1Time = clock.Elapsed;
var stage1Accuracy = TestAccuracy(stage1);

var heatmapPath = Path.Combine(options.OutputDirectory, "expert-weights.png");
var expertWeights = stage1.ExpertWeights();
ExpertHeatmap.Save(heatmapPath, expertWeights, stage1.TaskNames, stage1.MtaLayers);
var chartPath = Path.Combine(options.OutputDirectory, "expert-weights.html");
File.WriteAllText(chartPath, ExpertChart.Html(expertWeights, stage1.TaskNames, stage1.MtaLayers));
Console.WriteLine($"Task-to-expert weights: {heatmapPath}, {chartPath} (interactive)");

// ---- stage 2: shared experts + gate on top of the frozen stage-1 model ----
Console.WriteLine($"\nStage 2 ({alterOptions.Stage2Epochs} epochs):");
clock.Restart();
using var stage2 = TrainingBar.Run(progress =>
{
    alterOptions.Progress = progress;
    return mlContext.MulticlassClassification.Trainers.AlterStage2(stage1, alterOptions).Fit(keyedTrain);
});
var stage2Time = clock.Elapsed;
var stage2Accuracy = TestAccuracy(stage2);

// ---- the classic ML.NET baseline: one FeaturizeText + SDCA model per task ----
clock.Restart();
var baselineAccuracy = SdcaBaseline.Run(data);
var baselineTime = clock.Elapsed;

Console.WriteLine("\nTest accuracy:");
AccuracyTable.Print(data.Tasks,
    new (string, IReadOnlyDictionary<string, double>)[]
    {
        ("ML.NET SDCA (1 model/task)", baselineAccuracy),
        ("ALTER stage 1", stage1Accuracy),
        ("ALTER stage 1+2", stage2Accuracy),
    },
    data.Tasks.ToDictionary(t => t, t => data.Test.Count(r => r.Task == t)));
Console.WriteLine($"Training time: ALTER stage 1 {stage1Time.TotalSeconds:F0} s, stage 2 {stage2Time.TotalSeconds:F0} s; "
                  + $"SDCA baseline (all tasks) {baselineTime.TotalSeconds:F0} s.");

// ---- save, reload, predict: the saved pipeline maps label text in and out, so it takes and returns plain strings ----
var model = new TransformerChain<ITransformer>(labelToKey, stage2,
    mlContext.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(stage2.Transform(keyedTrain)));
var modelPath = Path.Combine(options.OutputDirectory, "model.zip");
mlContext.Model.Save(model, train.Schema, modelPath);
Console.WriteLine($"\nSaved {modelPath} ({new FileInfo(modelPath).Length / 1e6:F1} MB); reloading it for predictions:");

var loaded = mlContext.Model.Load(modelPath, out _);
var engine = mlContext.Model.CreatePredictionEngine<TaskRow, TaskPrediction>(loaded);
foreach (var row in NewSentences.For(data))
{
    var prediction = engine.Predict(row);
    var text = row.Sentence2.Length > 0 ? $"\"{row.Sentence1}\" / \"{row.Sentence2}\"" : $"\"{row.Sentence1}\"";
    Console.WriteLine($"  {row.Task,-10} {prediction.PredictedLabel,-16} ({prediction.Score.Max():P0})  {text}");
}

Console.WriteLine($"\nWall time: {wall.Elapsed:mm\\:ss} ({wall.Elapsed.TotalSeconds:F0} s)");
return;

// Per-task accuracy on the test split, with ML.NET's multiclass evaluator applied task by task.
Dictionary<string, double> TestAccuracy(AlterTransformer alter)
    => mlContext.MulticlassClassification.EvaluatePerTask(alter.Transform(labelToKey.Transform(test)))
        .ToDictionary(kv => kv.Key, kv => kv.Value.MicroAccuracy);
