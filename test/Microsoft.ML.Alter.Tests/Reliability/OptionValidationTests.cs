using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.MLNet;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Tests.MLNet;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.Tests.Reliability;

/// <summary>Finding 5: every numeric option is checked when the estimator is created, naming the option.</summary>
[TestClass]
public sealed class OptionValidationTests
{
    /// <summary>The ML.NET options' defaults are the core's: untouched, they map onto the core's default options.</summary>
    [TestMethod]
    public void EstimatorDefaultsAreTheCoreDefaults()
    {
        var options = new AlterEstimator.Options();
        Assert.AreEqual(new MtaOptions(), options.ToMtaOptions());
        var core = new AlterTrainingOptions();
        // Only the scoring batch (shared by validation) and the log interval are the ML.NET layer's own settings.
        Assert.AreEqual(core with { EvaluationBatchSize = options.ScoringBatchSize, ProgressInterval = options.LogEverySteps }, options.ToTrainingOptions(core.Seed));
        Assert.AreEqual(core.ProgressInterval, options.LogEverySteps);
    }

    /// <summary>Each bad setting and the option name the error must carry.</summary>
    internal static readonly (string Option, Action<AlterEstimator.Options> Set)[] BadSettings =
    {
        ("WeightDecay", o => o.WeightDecay = double.NaN),
        ("WeightDecay", o => o.WeightDecay = -0.1),
        ("WeightDecay", o => o.WeightDecay = double.PositiveInfinity),
        ("HeadLearningRate", o => o.Stage1HeadLearningRate = double.PositiveInfinity),
        ("HeadLearningRate", o => o.Stage2HeadLearningRate = double.NaN),
        ("LearningRate", o => o.Stage1LearningRate = double.NaN),
        ("LearningRate", o => o.Stage2LearningRate = double.PositiveInfinity),
        ("LearningRate", o => o.Stage1LearningRate = -1e-5),
        ("WarmupFraction", o => o.WarmupFraction = double.NaN),
        ("WarmupFraction", o => o.WarmupFraction = 1.5),
        ("SamplingTemperature", o => o.SamplingTemperature = double.PositiveInfinity),
        ("SamplingTemperature", o => o.SamplingTemperature = 0.5),
        ("Temperature", o => o.Temperature = double.PositiveInfinity),
        ("Temperature", o => o.Temperature = 0),
        ("HeadDropout", o => o.HeadDropout = double.NaN),
        ("HeadDropout", o => o.HeadDropout = 1),
        ("MaxLength", o => o.MaxLength = 2),
        ("BatchSize", o => o.BatchSize = 0),
        ("ScoringBatchSize", o => o.ScoringBatchSize = -1),
        ("LogEverySteps", o => o.LogEverySteps = 0),
        ("EarlyStoppingPatience", o => o.EarlyStoppingPatience = -1),
        ("MtaLayerCount", o => o.MtaLayerCount = -1),
        ("ExpertCount", o => o.ExpertCount = 0),
        ("AdapterSize", o => o.AdapterSize = 0),
        ("GateHiddenSize", o => o.GateHiddenSize = 0),
        ("SharedExperts", o => o.SharedExperts = 0),
        ("Stage1Epochs", o => o.Stage1Epochs = 0),
        ("Stage2Epochs", o => o.Stage2Epochs = 0),
        ("Stage1Epochs", o => o.Stage1Epochs = -1),
        ("BaseModel", o => o.BaseModel = ""),
        ("BaseModel", o => o.BaseModel = "  "),
        ("ScoreColumnName", o => o.ScoreColumnName = o.PredictedLabelColumnName),
        ("Options", o => o.BadRows = (BadRowHandling)7),
    };

    [TestMethod]
    public void EveryBadSettingFailsAtConstructionNamingTheOption()
    {
        var ml = new MLContext(seed: 1);
        foreach (var (option, set) in BadSettings)
        {
            var options = MLNetFixture.Options();
            set(options);
            var error = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.Alter(options), option);
            StringAssert.Contains(error.Message + " " + error.ParamName, option, option);
        }
    }

    [TestMethod]
    public void ZeroEpochsIsAnErrorOnlyForAStageTheEstimatorRuns()
    {
        var ml = new MLContext(seed: 1);
        var options = MLNetFixture.Options();
        options.Stage2Epochs = 0;
        Assert.IsNotNull(ml.MulticlassClassification.Trainers.AlterStage1(options), "stage 1 alone does not run stage 2");
        options.Stage1Epochs = 0;
        Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.AlterStage1(options));
    }

    [TestMethod]
    public void TheCoreOptionsRejectNonFiniteValuesToo()
    {
        foreach (var options in new[]
                 {
                     new AlterTrainingOptions { WeightDecay = double.NaN },
                     new AlterTrainingOptions { MaxGradNorm = double.PositiveInfinity },
                     new AlterTrainingOptions { MaxGradNorm = 0 },
                     new AlterTrainingOptions { EvaluationBatchSize = 0 },
                     new AlterTrainingOptions { ProgressInterval = 0 },
                     new AlterTrainingOptions { Stage1 = new StageOptions { Epochs = 1, LearningRate = 1e-5, HeadLearningRate = double.PositiveInfinity } },
                 })
            Assert.Throws<ArgumentException>(() => new AlterTrainer(options));
        Assert.Throws<ArgumentException>(() => new MtaOptions { Temperature = double.NaN }.Validate());
        Assert.Throws<ArgumentException>(() => new MtaOptions { HeadDropout = double.NaN }.Validate());
    }

    [TestMethod]
    public void TheDefaultExpertCountIsBoundedAndTasksShareExperts()
    {
        Assert.AreEqual(3, new MtaOptions().ResolveExpertCount(2));
        Assert.AreEqual(8, new MtaOptions().ResolveExpertCount(7), "the benchmark's 7 tasks keep tasks + 1");
        Assert.AreEqual(MtaOptions.MaxDefaultExpertCount, new MtaOptions().ResolveExpertCount(50));
        Assert.AreEqual(51, new MtaOptions { ExpertCount = 51 }.ResolveExpertCount(50), "an explicit count is honoured");

        // 12 tasks over 8 experts: every task still favours its own pair (t, t + 1 modulo 8), so tasks 8.. share with 0..
        using var checkpoint = TinyBert.Checkpoint();
        var tasks = Enumerable.Range(0, 12).Select(t => new TaskSpec($"task{t:00}", new[] { "a", "b" })).ToList();
        using var model = checkpoint.CreateAlterModel(tasks, new MtaOptions { Layers = new[] { 1 } });
        Assert.AreEqual(8, model.Config.ExpertCount);
        var weights = model.ExpertWeights()[0];
        for (var t = 0; t < tasks.Count; t++)
        {
            var favoured = weights[t].Select((w, e) => (w, e)).OrderByDescending(p => p.w).Take(2).Select(p => p.e).Order().ToArray();
            CollectionAssert.AreEqual(new[] { t % 8, (t + 1) % 8 }.Order().ToArray(), favoured, $"task {t}");
        }
    }

    [TestMethod]
    public void ALargeModelWarnsOfTheMemoryTrainingWillNeed()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Kind == Microsoft.ML.Runtime.ChannelMessageKind.Warning)
                warnings.Add(e.RawMessage);
        };
        var model = MLNetFixture.Alter.Model;
        var parameters = model.parameters().Sum(p => p.numel());
        using (var channel = ((Microsoft.ML.Runtime.IHostEnvironment)ml).Start("test"))
        {
            MemoryWarning.Check(channel, model, threshold: parameters);
            Assert.AreEqual(0, warnings.Count, "at the threshold: no warning");
            MemoryWarning.Check(channel, model, threshold: parameters - 1);
        }
        Assert.AreEqual(1, warnings.Count);
        StringAssert.Contains(warnings[0], "training may need about");
        StringAssert.Contains(warnings[0], "ExpertCount");
    }

    /// <summary>The core options name the setting and say what is allowed.</summary>
    [TestMethod]
    public void CoreTrainingOptionsRejectEachBadValueWithItsOwnMessage()
    {
        var good = new AlterTrainingOptions();
        var cases = new (AlterTrainingOptions Options, string Parameter, string Message)[]
        {
            (good with { BatchSize = 0 }, "BatchSize", "The batch size must be positive."),
            (good with { SharedExperts = 0 }, "SharedExperts", "Stage 2 needs at least one shared expert."),
            (good with { WarmupFraction = -0.1 }, "WarmupFraction", "The warm-up fraction must be in [0, 1]."),
            (good with { SamplingTemperature = 0.9 }, "SamplingTemperature", "The sampling temperature must be finite and at least 1."),
            (good with { WeightDecay = -1 }, "WeightDecay", "The weight decay must be finite and non-negative."),
            (good with { MaxGradNorm = 0 }, "MaxGradNorm", "The gradient clipping norm must be finite and positive."),
            (good with { EvaluationBatchSize = 0 }, "EvaluationBatchSize", "The evaluation batch size must be positive."),
            (good with { BadRows = (BadRowHandling)7 }, "BadRows", "Not a BadRowHandling value."),
            (good with { ProgressInterval = 0 }, "ProgressInterval", "The progress interval must be positive."),
            (good with { Stage1 = good.Stage1 with { Epochs = -1 } }, "Epochs", "stage 1: epochs cannot be negative."),
            (good with { Stage2 = good.Stage2 with { LearningRate = -1 } }, "LearningRate", "stage 2: the learning rate must be finite and non-negative."),
            (good with { AddTask = good.AddTask with { HeadLearningRate = double.NaN } }, "HeadLearningRate", "add task: the head learning rate must be finite and non-negative."),
            (good with { Stage1 = good.Stage1 with { EarlyStoppingPatience = -1 } }, "EarlyStoppingPatience", "stage 1: patience cannot be negative."),
        };
        good.Validate();
        foreach (var (options, parameter, message) in cases)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
            Assert.AreEqual(parameter, error.ParamName);
            StringAssert.StartsWith(error.Message, message);
        }
    }
}
