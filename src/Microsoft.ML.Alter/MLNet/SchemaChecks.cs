using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Alter.MLNet;

/// <summary>
/// Input column checks shared by the estimators (at <c>Fit</c> and <c>GetOutputSchema</c>) and the transformer (at
/// <c>Transform</c>, <c>PredictionEngine</c> and load). ML.NET's own schema-mismatch exceptions are used, so the messages read
/// like every other ML.NET component's: "Could not find task column 'Task'", "Schema mismatch for ... column ...: expected
/// String, got Single".
/// </summary>
internal static class SchemaChecks
{
    public static int RequireText(IExceptionContext host, DataViewSchema schema, string role, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw host.ExceptSchemaMismatch(nameof(schema), role, name);
        if (column.Type is not TextDataViewType)
            throw host.ExceptSchemaMismatch(nameof(schema), role, name, "String", column.Type.ToString());
        return column.Index;
    }

    public static void RequireText(IExceptionContext host, SchemaShape schema, string role, string name)
    {
        if (!schema.TryFindColumn(name, out var column))
            throw host.ExceptSchemaMismatch(nameof(schema), role, name);
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
            throw host.ExceptSchemaMismatch(nameof(schema), role, name, "String", column.GetTypeString());
    }

    /// <summary>The label must be a key with text key values: they name each task's labels (MapValueToKey gives both).</summary>
    public static KeyDataViewType RequireKeyLabel(IExceptionContext host, DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw host.ExceptSchemaMismatch(nameof(schema), "label", name);
        if (column.Type is not KeyDataViewType key)
            throw host.ExceptSchemaMismatch(nameof(schema), "label", name, "Key",
                $"{column.Type}. Map the label to a key first: mlContext.Transforms.Conversion.MapValueToKey(\"{name}\")");
        if (column.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues)?.Type is not VectorDataViewType { ItemType: TextDataViewType })
            throw host.ExceptSchemaMismatch(nameof(schema), "label", name, "Key with text key values",
                $"{column.Type} without them. Map a text label with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\")");
        if (key.Count > int.MaxValue)
            throw host.ExceptSchemaMismatch(nameof(schema), "label", name, "Key with a bounded count", column.Type.ToString());
        return key;
    }

    public static void RequireKeyLabel(IExceptionContext host, SchemaShape schema, string name)
    {
        if (!schema.TryFindColumn(name, out var column))
            throw host.ExceptSchemaMismatch(nameof(schema), "label", name);
        if (!column.IsKey || column.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw host.ExceptSchemaMismatch(nameof(schema), "label", name, "Key",
                $"{column.GetTypeString()}. Map the label to a key first: mlContext.Transforms.Conversion.MapValueToKey(\"{name}\")");
    }

    /// <summary>The label's key values, in key order (key k is <c>result[k - 1]</c>).</summary>
    public static string[] KeyValues(DataViewSchema.Column label)
    {
        VBuffer<ReadOnlyMemory<char>> values = default;
        label.GetKeyValues(ref values);
        return values.DenseValues().Select(v => v.ToString()).ToArray();
    }
}
