using TorchSharp.Modules;

namespace Microsoft.ML.Alter.Training;

/// <summary>Parameters that train together at one peak learning rate.</summary>
internal sealed record ParameterGroup(IReadOnlyList<Parameter> Parameters, double LearningRate);
