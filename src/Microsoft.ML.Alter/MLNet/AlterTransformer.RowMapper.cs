using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

public sealed partial class AlterTransformer
{
    /// <summary>
    /// The row-to-row path (PredictionEngine, GetRowToRowMapper, chains composed row by row): one network call per row, the
    /// result cached per input row position so PredictedLabel and Score share it.
    /// </summary>
    private sealed class RowMapper : MapperBase
    {
        private readonly AlterTransformer _parent;
        private readonly int[] _inputs;

        public RowMapper(AlterTransformer parent, DataViewSchema inputSchema)
            : base(parent.Host.Register(nameof(RowMapper)), inputSchema, parent)
        {
            _parent = parent;
            _inputs = parent.ScoringInputs(inputSchema);
        }

        protected override DataViewSchema.DetachedColumn[] GetOutputColumnsCore() => _parent.OutputColumns(InputSchema);

        public override Delegate[] CreateGetters(DataViewRow input, Func<int, bool> activeOutput, out Action? disposer)
        {
            disposer = null;
            var getters = new Delegate[2];
            if (!activeOutput(0) && !activeOutput(1))
                return getters;
            var getTask = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[_inputs[0]]);
            var getText1 = input.GetGetter<ReadOnlyMemory<char>>(input.Schema[_inputs[1]]);
            var getText2 = _inputs.Length > 2 ? input.GetGetter<ReadOnlyMemory<char>>(input.Schema[_inputs[2]]) : null;
            var predicted = new uint[1];
            var scores = new float[1][];
            long cachedPosition = -1;
            ReadOnlyMemory<char> task = default, text1 = default, text2 = default;

            void Update()
            {
                if (cachedPosition == input.Position)
                    return;
                getTask(ref task);
                getText1(ref text1);
                getText2?.Invoke(ref text2);
                var row = new ScoringRow(input.Position, task.ToString(), text1.ToString(), getText2 is null ? null : text2.ToString());
                _parent._scorer.Score(new[] { row }, predicted, scores, batchSize: 1);
                cachedPosition = input.Position;
            }

            if (activeOutput(0))
                getters[0] = (ValueGetter<uint>)((ref uint value) =>
                {
                    Update();
                    value = predicted[0];
                });
            if (activeOutput(1))
                getters[1] = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    Update();
                    ScoreVectors.Copy(scores[0], ref value);
                });
            return getters;
        }

        protected override Delegate MakeGetter(DataViewRow input, int iinfo, Func<int, bool> activeOutput, out Action disposer)
            => throw new NotSupportedException("CreateGetters makes both getters together.");

        protected override Func<int, bool> GetDependenciesCore(Func<int, bool> activeOutput)
            => activeOutput(0) || activeOutput(1) ? column => _inputs.Contains(column) : _ => false;

        protected override void SaveModel(ModelSaveContext ctx) => _parent.SaveModel(ctx);
    }
}
