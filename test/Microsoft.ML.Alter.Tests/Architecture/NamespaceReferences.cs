using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Microsoft.ML.Alter.Tests.Architecture;

/// <summary>
/// Which namespaces of an assembly each type refers to: in member signatures, attributes, generic arguments and method
/// bodies (calls, fields, casts, lambdas' closures), read from the compiled IL, so no reference escapes unseen.
/// </summary>
internal static class NamespaceReferences
{
    /// <summary>(from namespace, to namespace, "FromType → ToType") for every reference between two types of the assembly.</summary>
    public static IEnumerable<(string From, string To, string Edge)> Of(string assemblyPath, string namespacePrefix)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var edges = new HashSet<(string, string, string)>();
        foreach (var type in module.GetTypes())
        {
            var from = NamespaceOf(type);
            if (!from.StartsWith(namespacePrefix, StringComparison.Ordinal))
                continue;
            foreach (var referenced in Referenced(type))
            {
                var to = NamespaceOf(referenced);
                if (to != from && to.StartsWith(namespacePrefix, StringComparison.Ordinal) && referenced.Scope == module)
                    edges.Add((from, to, $"{Outermost(type).FullName} → {Outermost(referenced).FullName}"));
            }
        }
        return edges;
    }

    private static IEnumerable<TypeReference> Referenced(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        void Add(TypeReference? t)
        {
            switch (t)
            {
                case null:
                    return;
                case GenericInstanceType g:
                    Add(g.ElementType);
                    foreach (var a in g.GenericArguments)
                        Add(a);
                    return;
                case TypeSpecification s:
                    Add(s.ElementType);
                    return;
                case GenericParameter:
                    return;
                default:
                    found.Add(t);
                    return;
            }
        }
        void AddMethod(MethodReference m)
        {
            Add(m.DeclaringType);
            Add(m.ReturnType);
            foreach (var p in m.Parameters)
                Add(p.ParameterType);
            if (m is GenericInstanceMethod gm)
                foreach (var a in gm.GenericArguments)
                    Add(a);
        }
        void AddAttributes(ICustomAttributeProvider provider)
        {
            foreach (var a in provider.CustomAttributes)
                AddMethod(a.Constructor);
        }

        Add(type.BaseType);
        foreach (var i in type.Interfaces)
            Add(i.InterfaceType);
        AddAttributes(type);
        foreach (var f in type.Fields)
        {
            Add(f.FieldType);
            AddAttributes(f);
        }
        foreach (var p in type.Properties)
        {
            Add(p.PropertyType);
            AddAttributes(p);
        }
        foreach (var e in type.Events)
            Add(e.EventType);
        foreach (var m in type.Methods)
        {
            AddMethod(m);
            AddAttributes(m);
            if (!m.HasBody)
                continue;
            foreach (var v in m.Body.Variables)
                Add(v.VariableType);
            foreach (var instruction in m.Body.Instructions)
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Add(t);
                        break;
                    case MethodReference called:
                        AddMethod(called);
                        break;
                    case FieldReference field:
                        Add(field.DeclaringType);
                        Add(field.FieldType);
                        break;
                }
        }
        return found;
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type;
    }

    // Nested types (closures, state machines, nested records) belong to the namespace of the type that declares them.
    private static string NamespaceOf(TypeReference type) => Outermost(type).Namespace;
}
