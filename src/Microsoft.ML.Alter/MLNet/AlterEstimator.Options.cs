using Microsoft.ML.Alter.Data;
using Microsoft.ML.Alter.Modeling;
using Microsoft.ML.Alter.Text;
using Microsoft.ML.Alter.Training;

namespace Microsoft.ML.Alter.MLNet;

public sealed partial class AlterEstimator
{
    /// <summary>
    /// Everything the ALTER trainer can be told. Defaults suit the embedded MiniLM on a CPU and are the core's own: they map one to one onto the
    /// core's <see cref="MtaOptions"/> (model shape) and <see cref="AlterTrainingOptions"/> (optimisation).
    /// </summary>
    public sealed class Options
    {
        // The defaults are the core's: each option below starts from these, so a default is written once, in the core.
        private static readonly MtaOptions CoreMta = new();
        private static readonly AlterTrainingOptions CoreTraining = new();

        /// <summary>The seed when neither <see cref="Seed"/> nor the MLContext gives one.</summary>
        internal static int DefaultSeed => CoreTraining.Seed;

        // ---- columns ----

        /// <summary>Label column: a key type with text key values (put <c>MapValueToKey</c> before the trainer).</summary>
        public string LabelColumnName = "Label";

        /// <summary>Task column (text): which task each row belongs to. A task's labels are the labels seen with it.</summary>
        public string TaskColumnName = "Task";

        /// <summary>First (or only) text column.</summary>
        public string Sentence1ColumnName = "Sentence1";

        /// <summary>
        /// Second text column for sentence-pair tasks, or null. An empty second text makes a single-sentence row, so one model
        /// serves sentence and sentence-pair tasks together.
        /// </summary>
        public string? Sentence2ColumnName;

        /// <summary>Output: the predicted label, a key over all tasks' labels; always one of the row's own task's labels.</summary>
        public string PredictedLabelColumnName = "PredictedLabel";

        /// <summary>Output: one probability per label of all tasks; the row's task's labels sum to 1, the others are 0.</summary>
        public string ScoreColumnName = "Score";

        // ---- model ----

        /// <summary>
        /// Pretrained encoder: null or <c>"all-MiniLM-L6-v2"</c> for the embedded MiniLM (no download), or the path of a
        /// Hugging Face BERT checkpoint folder (config.json, model.safetensors, vocab.txt).
        /// </summary>
        public string? BaseModel;

        /// <summary>What each task adapter (expert) is: a copy of the layer's feed-forward block, or a small bottleneck adapter.</summary>
        public ExpertKind ExpertKind = CoreMta.ExpertKind;

        /// <summary>Experts per mixture; null: number of tasks + 1, at most 8 (more tasks share experts through the selector).</summary>
        public int? ExpertCount;

        /// <summary>
        /// Top-k task routing: each task computes only the k experts with its largest selector logits (weights
        /// renormalised over them). Null or 0: dense, every expert on every row (the original method).
        /// </summary>
        public int? ExpertsPerTask;

        /// <summary>
        /// With <see cref="ExpertsPerTask"/>: fraction of stage 1 trained dense before each task's top k are frozen as
        /// its route; 0: the prior's top k from the start; 1: pruned at the end of stage 1.
        /// </summary>
        public double RouteWarmupFraction = CoreMta.RouteWarmupFraction;

        /// <summary>Encoder layers (0-based) that get a mixture of task adapters; null: the top <see cref="MtaLayerCount"/> layers.</summary>
        public int[]? MtaLayers;

        /// <summary>How many top layers get a mixture when <see cref="MtaLayers"/> is null.</summary>
        public int MtaLayerCount = CoreMta.DefaultLayerCount;

        /// <summary>Bottleneck width of <see cref="ExpertKind.Bottleneck"/> experts.</summary>
        public int AdapterSize = CoreMta.AdapterSize;

        /// <summary>Selector temperature τ: the task-weight selector's weights are softmax(g / τ).</summary>
        public double Temperature = CoreMta.Temperature;

        /// <summary>Stage 2: shared experts added to every mixture.</summary>
        public int SharedExperts = CoreTraining.SharedExperts;

        /// <summary>Stage 2: width of the gate network's hidden layer.</summary>
        public int GateHiddenSize = CoreMta.GateHiddenSize;

        /// <summary>How task heads pool the token vectors.</summary>
        public PoolingKind Pooling = CoreMta.Pooling;

        /// <summary>Dropout before each task head.</summary>
        public double HeadDropout = CoreMta.HeadDropout;

        /// <summary>
        /// Tokens kept per row ([CLS] and [SEP] included); longer texts are truncated. Above the encoder's position
        /// embeddings (512 for MiniLM) it is clamped to them, with a warning.
        /// </summary>
        public int MaxLength = BertTextTokenizer.DefaultMaxLength;

        // ---- training ----

        /// <summary>
        /// Stage 1 (encoder, experts, selectors, heads): passes over the training rows. Null (the default): chosen from the
        /// data, enough epochs for a minimum number of optimisation steps (few rows get more epochs), logged when training
        /// starts. At least 1 for an estimator that runs stage 1 (an untrained model is never returned silently).
        /// </summary>
        public int? Stage1Epochs = CoreTraining.Stage1.Epochs;

        /// <summary>Stage 1 peak learning rate of the pretrained-derived weights.</summary>
        public double Stage1LearningRate = CoreTraining.Stage1.LearningRate;

        /// <summary>Stage 1 peak learning rate of the heads and selector logits.</summary>
        public double Stage1HeadLearningRate = CoreTraining.Stage1.HeadLearningRate;

        /// <summary>
        /// Stage 2 (shared experts and gate; heads too when <see cref="TrainHeadsInStage2"/>): passes over the rows. At least 1
        /// for an estimator that runs stage 2. Null: the library's rule, as for <see cref="Stage1Epochs"/>; stage 2 sets no
        /// minimum number of steps, so that is 2 epochs.
        /// </summary>
        public int? Stage2Epochs = CoreTraining.Stage2.Epochs;

        /// <summary>Stage 2 peak learning rate of the shared experts.</summary>
        public double Stage2LearningRate = CoreTraining.Stage2.LearningRate;

        /// <summary>Stage 2 peak learning rate of the gate network (and heads).</summary>
        public double Stage2HeadLearningRate = CoreTraining.Stage2.HeadLearningRate;

        /// <summary>Whether the task heads also train in stage 2.</summary>
        public bool TrainHeadsInStage2 = CoreTraining.TrainHeadsInStage2;

        /// <summary>With a validation set: stop a stage when mean accuracy has not improved for this many epochs (0: never).</summary>
        public int EarlyStoppingPatience = CoreTraining.Stage1.EarlyStoppingPatience;

        /// <summary>Rows per training step.</summary>
        public int BatchSize = CoreTraining.BatchSize;

        /// <summary>1: tasks are sampled in proportion to their size; larger values up-sample small tasks.</summary>
        public double SamplingTemperature = CoreTraining.SamplingTemperature;

        /// <summary>Fraction of each stage's steps spent warming the learning rate up.</summary>
        public double WarmupFraction = CoreTraining.WarmupFraction;

        /// <summary>AdamW weight decay on weight matrices.</summary>
        public double WeightDecay = CoreTraining.WeightDecay;

        /// <summary>
        /// Validation rows (same columns as the training data; the label may be the raw text or the key): per-task accuracy is
        /// logged after every epoch and each stage keeps its best epoch's weights. Null: no validation, the last epoch is kept.
        /// </summary>
        public IDataView? ValidationSet;

        /// <summary>Seeds initialisation, sampling and dropout. Null: the MLContext's seed when it has one, else the core's default (42).</summary>
        public int? Seed;

        /// <summary>
        /// Stops training (at the next step) when cancelled, with <see cref="OperationCanceledException"/>. ML.NET's own
        /// mechanism (<c>MLContext.CancelExecution</c>, internal to ML.NET) is honoured too, checked at every step.
        /// </summary>
        public CancellationToken CancellationToken;

        /// <summary>Step-level progress goes to the channel's trace every this many steps (epoch ends are always logged).</summary>
        public int LogEverySteps = CoreTraining.ProgressInterval;

        /// <summary>
        /// Also told each report the log gets (every <see cref="LogEverySteps"/> steps and at each epoch's end, with
        /// per-task validation accuracy), as a typed value for a progress bar: no parsing of log text. Called on the training
        /// thread; keep it short. Like every option, it is read when the estimator is created (the estimator keeps a copy).
        /// Null: the log and ML.NET's progress channel only.
        /// </summary>
        public IProgress<TrainingProgress>? Progress;

        // ---- scoring ----

        /// <summary>Rows scored together by <c>Transform</c> (and validation); <c>PredictionEngine</c> scores one row at a time.</summary>
        public int ScoringBatchSize = 32;

        /// <summary>What scoring does with a task the model never saw (default: a missing prediction, counted in a warning).</summary>
        public UnknownTaskHandling UnknownTask = UnknownTaskHandling.MissingPrediction;

        /// <summary>
        /// Rows with an empty task, no usable text (empty, or only whitespace, control or zero-width characters) or, in
        /// training, a missing label: skipped in training and scored as missing, counted in one channel warning (default), or
        /// an exception at the first one.
        /// </summary>
        public BadRowHandling BadRows = BadRowHandling.Skip;

        internal MtaOptions ToMtaOptions() => new()
        {
            ExpertKind = ExpertKind,
            ExpertCount = ExpertCount,
            ExpertsPerTask = ExpertsPerTask,
            RouteWarmupFraction = RouteWarmupFraction,
            Layers = MtaLayers,
            DefaultLayerCount = MtaLayerCount,
            AdapterSize = AdapterSize,
            Temperature = Temperature,
            GateHiddenSize = GateHiddenSize,
            Pooling = Pooling,
            HeadDropout = HeadDropout,
        };

        internal AlterTrainingOptions ToTrainingOptions(int seed) => new()
        {
            Stage1 = CoreTraining.Stage1 with { Epochs = Stage1Epochs, LearningRate = Stage1LearningRate, HeadLearningRate = Stage1HeadLearningRate, EarlyStoppingPatience = EarlyStoppingPatience },
            Stage2 = CoreTraining.Stage2 with { Epochs = Stage2Epochs, LearningRate = Stage2LearningRate, HeadLearningRate = Stage2HeadLearningRate, EarlyStoppingPatience = EarlyStoppingPatience },
            SharedExperts = SharedExperts,
            TrainHeadsInStage2 = TrainHeadsInStage2,
            BatchSize = BatchSize,
            SamplingTemperature = SamplingTemperature,
            WarmupFraction = WarmupFraction,
            WeightDecay = WeightDecay,
            Seed = seed,
            EvaluationBatchSize = ScoringBatchSize,
            ProgressInterval = LogEverySteps,
        };

        /// <summary>Fails fast, before any data is read, with the core's messages naming the bad option.</summary>
        internal void Validate()
        {
            foreach (var (name, value) in new[] { (nameof(LabelColumnName), LabelColumnName), (nameof(TaskColumnName), TaskColumnName),
                         (nameof(Sentence1ColumnName), Sentence1ColumnName), (nameof(PredictedLabelColumnName), PredictedLabelColumnName),
                         (nameof(ScoreColumnName), ScoreColumnName) })
                if (string.IsNullOrWhiteSpace(value))
                    throw new ArgumentException($"{name} must name a column.", name);
            if (string.Equals(PredictedLabelColumnName, ScoreColumnName, StringComparison.Ordinal))
                throw new ArgumentException($"{nameof(PredictedLabelColumnName)} and {nameof(ScoreColumnName)} must differ.", nameof(ScoreColumnName));
            if (BaseModel is not null && string.IsNullOrWhiteSpace(BaseModel))
                throw new ArgumentException(
                    $"{nameof(BaseModel)} is empty: give null for the embedded all-MiniLM-L6-v2, or a Hugging Face checkpoint folder.", nameof(BaseModel));
            if (Sentence2ColumnName is not null && string.IsNullOrWhiteSpace(Sentence2ColumnName))
                throw new ArgumentException($"{nameof(Sentence2ColumnName)} must be null or name a column.", nameof(Sentence2ColumnName));
            if (MaxLength < 3)
                throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength, "At least 3 tokens are needed ([CLS], one token, [SEP]).");
            if (ScoringBatchSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(ScoringBatchSize), ScoringBatchSize, "The scoring batch size must be positive.");
            if (LogEverySteps <= 0)
                throw new ArgumentOutOfRangeException(nameof(LogEverySteps), LogEverySteps, "Must be positive.");
            if (Stage1Epochs < 0)
                throw new ArgumentOutOfRangeException(nameof(Stage1Epochs), Stage1Epochs, "Epochs cannot be negative.");
            if (Stage2Epochs < 0)
                throw new ArgumentOutOfRangeException(nameof(Stage2Epochs), Stage2Epochs, "Epochs cannot be negative.");
            if (ExpertCount is < 1)
                throw new ArgumentOutOfRangeException(nameof(ExpertCount), ExpertCount, "A mixture needs at least one expert (null: the default).");
            if (MtaLayerCount < 0)
                throw new ArgumentOutOfRangeException(nameof(MtaLayerCount), MtaLayerCount, "The number of MTA layers cannot be negative.");
            if (!Enum.IsDefined(UnknownTask) || !Enum.IsDefined(BadRows) || !Enum.IsDefined(ExpertKind) || !Enum.IsDefined(Pooling))
                throw new ArgumentOutOfRangeException(nameof(Options), "An enum option holds a value outside its type.");
            ToMtaOptions().Validate();
            ToTrainingOptions(0).Validate();
        }

        internal Options Clone() => (Options)MemberwiseClone();
    }
}
