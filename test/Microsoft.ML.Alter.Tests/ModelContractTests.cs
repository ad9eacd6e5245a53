using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Tests;

/// <summary>
/// The model's own checks: task specifications, tasks listed or added twice, stage 2 added twice, and a saved
/// configuration that cannot describe a model.
/// </summary>
[TestClass]
public sealed class ModelContractTests
{
    private static readonly MtaOptions OneLayer = new() { Layers = new[] { 1 } };

    [TestMethod]
    public void TaskSpecificationsNameWhatIsWrong()
    {
        string Error(TaskSpec spec) => Assert.Throws<ArgumentException>(spec.Validate).Message;
        Assert.AreEqual("A task needs a non-empty name.", Error(new TaskSpec(" ", new[] { "a", "b" })));
        Assert.AreEqual("Task 't' has no labels; a classification task needs at least two.", Error(new TaskSpec("t", Array.Empty<string>())));
        Assert.AreEqual("Task 't' has a single label ('a'); a classification task needs at least two.", Error(new TaskSpec("t", new[] { "a" })));
        Assert.AreEqual("Task 't' lists label 'b' twice.", Error(new TaskSpec("t", new[] { "a", "b", "c", "b" })));
        new TaskSpec("t", new[] { "a", "b" }).Validate();
        Assert.AreEqual("The training set is empty.", Assert.Throws<ArgumentException>(() => TaskSpec.FromExamples(Array.Empty<Data.LabeledExample>())).Message);
        // Equal: same name and the same labels in the same order.
        Assert.AreEqual(new TaskSpec("t", new[] { "a", "b" }), new TaskSpec("t", new List<string> { "a", "b" }));
        Assert.AreNotEqual(new TaskSpec("t", new[] { "a", "b" }), new TaskSpec("u", new[] { "a", "b" }));
        Assert.AreNotEqual(new TaskSpec("t", new[] { "a", "b" }), new TaskSpec("t", new[] { "b", "a" }));
        Assert.IsFalse(new TaskSpec("t", new[] { "a", "b" }).Equals(null));
    }

    [TestMethod]
    public void ATaskListedOrAddedTwiceAndStageTwoAddedTwiceAreRejected()
    {
        using var pretrained = TinyBert.Checkpoint();
        var sentiment = new TaskSpec("sentiment", new[] { "negative", "positive" });
        var listed = Assert.Throws<ArgumentException>(() => pretrained.CreateAlterModel(new[] { sentiment, sentiment }, OneLayer, 32));
        Assert.AreEqual("Task 'sentiment' is listed twice.", listed.Message);

        using var model = pretrained.CreateAlterModel(new[] { sentiment }, OneLayer, 32);
        var added = Assert.Throws<ArgumentException>(() => model.AddTask(sentiment with { Labels = new[] { "x", "y" } }));
        Assert.AreEqual("The model already has a task 'sentiment'.", added.Message);
        model.AddTask(new TaskSpec("topic", new[] { "money", "sports", "weather" }));
        CollectionAssert.AreEqual(new[] { "sentiment", "topic" }, model.Tasks.Select(t => t.Name).ToList());
        Assert.AreEqual(1, model.Config.AddedTasks);
        Assert.AreEqual(2, model.Heads.Count);
        Assert.IsTrue(model.state_dict().ContainsKey("heads.1.dense.weight"), "the added head is saved under its index");

        model.AddStage2(2);
        Assert.AreEqual(2, model.Config.SharedExpertCount);
        Assert.AreEqual("This model already has its stage-2 shared experts and gate.",
            Assert.Throws<InvalidOperationException>(() => model.AddStage2(1)).Message);
    }

    [TestMethod]
    public void ASavedConfigurationThatCannotDescribeAModelSaysWhy()
    {
        using var pretrained = TinyBert.Checkpoint();
        using var model = pretrained.CreateAlterModel(new[] { new TaskSpec("t", new[] { "a", "b" }) }, OneLayer, 32);
        var json = System.Text.Json.Nodes.JsonNode.Parse(model.Config.ToJson())!.AsObject();
        Assert.AreEqual(model.Config.ToJson(), AlterModelConfig.FromJson(json.ToJsonString(), "f").ToJson(), "a saved configuration reads back");

        string Error(string text) => Assert.Throws<InvalidDataException>(() => AlterModelConfig.FromJson(text, "model.zip")).Message;
        Assert.AreEqual("model.zip: the model configuration is empty.", Error("null"));
        var noMta = json.DeepClone().AsObject();
        noMta.Remove("Mta");
        StringAssert.StartsWith(Error(noMta.ToJsonString()), "model.zip: the model configuration is not valid:", "Mta is required");
        noMta["Mta"] = null;
        Assert.AreEqual("model.zip: the model configuration has no MTA options.", Error(noMta.ToJsonString()));
        var unresolved = json.DeepClone().AsObject();
        unresolved["Mta"]!["Layers"] = null;
        Assert.AreEqual("model.zip: the model configuration does not say which layers hold mixtures and how many experts each has.", Error(unresolved.ToJsonString()));
        var noCount = json.DeepClone().AsObject();
        noCount["Mta"]!["ExpertCount"] = null;
        StringAssert.Contains(Error(noCount.ToJsonString()), "does not say which layers");
        // An older file's resolved fields win over its options.
        var old = json.DeepClone().AsObject();
        old["Mta"]!["Layers"] = null;
        old["Mta"]!["ExpertCount"] = null;
        old["MtaLayers"] = new System.Text.Json.Nodes.JsonArray(1);
        old["ExpertCount"] = 3;
        var read = AlterModelConfig.FromJson(old.ToJsonString(), "old");
        CollectionAssert.AreEqual(new[] { 1 }, read.MtaLayers);
        Assert.AreEqual(3, read.ExpertCount);
        Assert.IsFalse(read.ToJson().Contains("\"MtaLayers\"", StringComparison.Ordinal), "the old fields are read, never written");
    }
}
