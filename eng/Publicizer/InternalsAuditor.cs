using System.Text;
using Mono.Cecil;

namespace Microsoft.ML.Alter.Build.Publicizer;

/// <summary>
/// Lists the non-public ML.NET surface a compiled library depends on, checked against the real ML.NET assemblies.
/// </summary>
/// <remarks>
/// ML.NET ships every assembly with AssemblyVersion 1.0.0.0, so the loader never notices that a library was
/// compiled against another ML.NET release; a vanished internal member only shows up as a MissingMethodException,
/// TypeLoadException or silently ignored attribute at run time. Besides the type and member references in the
/// metadata, the audit therefore also covers what the runtime binds by name alone: overrides (a renamed base
/// method leaves the override dangling), new abstract members, interface members, and the System.Type
/// values and named arguments stored inside custom attributes such as [LoadableClass].
/// </remarks>
internal sealed class InternalsAuditor
{
    private const string AuditedPrefix = "Microsoft.ML";
    private const string IgnoresAccessChecksToAttribute = "System.Runtime.CompilerServices.IgnoresAccessChecksToAttribute";

    private readonly ModuleDefinition _module;
    // Ordinal order keeps the report byte-identical across machines and cultures, so it can be diffed.
    private readonly SortedSet<(string Assembly, string Kind, string Entity)> _used = new(Comparer<(string Assembly, string Kind, string Entity)>.Create(CompareOrdinal));
    private readonly SortedSet<string> _problems = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ModuleDefinition> _auditedModules = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (int Count, string Example)> _missingAssemblies = new(StringComparer.Ordinal);

    private InternalsAuditor(ModuleDefinition module) => _module = module;

    private static int CompareOrdinal((string Assembly, string Kind, string Entity) a, (string Assembly, string Kind, string Entity) b)
    {
        int result = string.CompareOrdinal(a.Assembly, b.Assembly);
        if (result == 0) result = string.CompareOrdinal(a.Kind, b.Kind);
        if (result == 0) result = string.CompareOrdinal(a.Entity, b.Entity);
        return result;
    }

    public static int Run(string libraryPath, IReadOnlyList<string> referenceDirectories, string? reportPath)
    {
        using var resolver = new DefaultAssemblyResolver();
        // Only the given directories (plus the framework, which Cecil falls back to on its own) may answer:
        // the defaults "." and "bin" could pick up a stray or publicized copy.
        foreach (var directory in resolver.GetSearchDirectories())
            resolver.RemoveSearchDirectory(directory);
        foreach (var directory in referenceDirectories)
            resolver.AddSearchDirectory(Path.GetFullPath(directory));

        using var library = AssemblyDefinition.ReadAssembly(libraryPath,
            new ReaderParameters { AssemblyResolver = resolver, InMemory = true });
        var auditor = new InternalsAuditor(library.MainModule);
        auditor.Audit();
        return auditor.Report(libraryPath, reportPath);
    }

    private void Audit()
    {
        foreach (var reference in _module.GetTypeReferences())
            CheckTypeUse(reference, "type");

        foreach (var reference in _module.GetMemberReferences())
            CheckMemberUse(reference);

        foreach (var provider in AttributeProviders())
            foreach (var attribute in provider.CustomAttributes)
                CheckAttribute(attribute);

        foreach (var type in _module.GetTypes())
        {
            if (type.IsInterface)
                continue;
            var (chain, complete) = BaseChain(type);
            if (chain.Any(level => IsAudited(level.Definition.Module.Assembly.Name.Name)))
            {
                CheckOverrides(type, chain, complete);
                if (!type.IsAbstract)
                    CheckAbstractMembersImplemented(type, chain);
            }
            CheckInterfaces(type, chain);
        }

        CheckIgnoresAccessChecksTo();
        CheckRealAssemblies();
        // Removed ML.NET assemblies and incomplete directory lists look alike; one line per assembly either way.
        foreach (var (assembly, (count, example)) in _missingAssemblies)
            Problem($"assembly {assembly} was not found in the reference directories ({count} reference(s), e.g. {example}); pass its directory, or it no longer exists");
    }

    // ---- references in the metadata ------------------------------------------------------------------

    private void CheckTypeUse(TypeReference reference, string kind)
    {
        if (ScopeAssembly(reference) is not { } assembly || !IsAudited(assembly))
            return;
        var definition = TryResolve(reference);
        if (definition is null)
            return;
        if (!IsVisible(definition))
            Use(definition, kind, definition.FullName);
    }

    private void CheckMemberUse(MemberReference reference)
    {
        // Methods of multi-dimensional arrays have no definition anywhere.
        if (reference.DeclaringType is ArrayType || ScopeAssembly(reference.DeclaringType) is not { } assembly || !IsAudited(assembly))
            return;
        IMemberDefinition? definition;
        try
        {
            definition = reference switch
            {
                MethodReference method => method.Resolve(),
                FieldReference field => field.Resolve(),
                _ => null,
            };
        }
        catch (AssemblyResolutionException e)
        {
            MissingAssembly(e.AssemblyReference, reference.FullName);
            return;
        }

        if (definition is null)
        {
            Problem($"{Describe(reference)} {reference.FullName} no longer exists in {assembly}");
            return;
        }
        Note(definition);
        bool visible = definition switch
        {
            MethodDefinition method => IsVisible(method),
            FieldDefinition field => IsVisible(field),
            _ => true,
        };
        if (!visible)
            Use(definition.DeclaringType, Describe(reference), definition.FullName);
    }

    private static string Describe(MemberReference reference) => reference switch
    {
        MethodReference { Name: ".ctor" } => "constructor",
        MethodReference => "method",
        _ => "field",
    };

    // ---- custom attributes: System.Type values and named arguments are bound by name ------------------

    private void CheckAttribute(CustomAttribute attribute)
    {
        try
        {
            foreach (var argument in attribute.ConstructorArguments)
                CheckAttributeValue(argument);
            foreach (var named in attribute.Fields.Concat(attribute.Properties))
                CheckAttributeValue(named.Argument);

            if ((attribute.HasFields || attribute.HasProperties) && IsAudited(ScopeAssembly(attribute.AttributeType))
                && TryResolve(attribute.AttributeType) is { } attributeType)
            {
                foreach (var named in attribute.Fields)
                    CheckNamedArgument(attributeType, named.Name, isField: true);
                foreach (var named in attribute.Properties)
                    CheckNamedArgument(attributeType, named.Name, isField: false);
            }
        }
        catch (AssemblyResolutionException e)
        {
            // Decoding an enum argument needs its defining assembly.
            MissingAssembly(e.AssemblyReference, $"[{attribute.AttributeType.FullName}]");
        }
    }

    private void CheckAttributeValue(CustomAttributeArgument argument)
    {
        switch (argument.Value)
        {
            case TypeReference type:
                CheckTypeUse(type, "type (typeof in attribute)");
                break;
            case CustomAttributeArgument boxed:
                CheckAttributeValue(boxed);
                break;
            case CustomAttributeArgument[] array:
                foreach (var element in array)
                    CheckAttributeValue(element);
                break;
        }
    }

    private void CheckNamedArgument(TypeDefinition attributeType, string name, bool isField)
    {
        for (var type = attributeType; type is not null; type = type.BaseType is null ? null : TryResolve(type.BaseType))
        {
            if (isField && type.Fields.FirstOrDefault(f => f.Name == name) is { } field)
            {
                if (!IsVisible(field))
                    Use(type, "attribute field", field.FullName);
                return;
            }
            if (!isField && type.Properties.FirstOrDefault(p => p.Name == name && p.SetMethod is not null) is { } property)
            {
                if (!IsVisible(property.SetMethod))
                    Use(type, "attribute property", property.FullName);
                return;
            }
        }
        Problem($"attribute {attributeType.FullName} no longer has the {(isField ? "field" : "property")} '{name}' the library sets");
    }

    private IEnumerable<ICustomAttributeProvider> AttributeProviders()
    {
        yield return _module.Assembly;
        yield return _module;
        foreach (var type in _module.GetTypes())
        {
            yield return type;
            foreach (var parameter in type.GenericParameters) yield return parameter;
            foreach (var implementation in type.Interfaces) yield return implementation;
            foreach (var field in type.Fields) yield return field;
            foreach (var property in type.Properties) yield return property;
            foreach (var @event in type.Events) yield return @event;
            foreach (var method in type.Methods)
            {
                yield return method;
                yield return method.MethodReturnType;
                foreach (var parameter in method.Parameters) yield return parameter;
                foreach (var parameter in method.GenericParameters) yield return parameter;
            }
        }
    }

    // ---- what the runtime binds by name and signature ---------------------------------------------------

    private readonly record struct Level(TypeDefinition Definition, GenericInstanceType? Context);

    /// <summary>Base classes of <paramref name="type"/>, each with its generic arguments expressed in terms of
    /// <paramref name="type"/>'s own generic parameters. Incomplete when some base could not be resolved.</summary>
    private (List<Level> Chain, bool Complete) BaseChain(TypeDefinition type)
    {
        var chain = new List<Level>();
        for (var current = type.BaseType; current is not null;)
        {
            var definition = TryResolve(current, reportMissing: false);
            if (definition is null)
                return (chain, false);
            var context = current as GenericInstanceType;
            chain.Add(new Level(definition, context));
            current = definition.BaseType is null ? null : Inflate(definition.BaseType, context);
        }
        return (chain, true);
    }

    private void CheckOverrides(TypeDefinition type, List<Level> chain, bool complete)
    {
        // C# emits an override as a virtual method without "newslot"; the runtime finds its slot by name and
        // signature. (Explicit overrides carry a MethodImpl, i.e. a member reference checked above.)
        foreach (var method in type.Methods.Where(m => m.IsVirtual && !m.IsNewSlot && !m.HasOverrides))
        {
            var key = Key(method, null);
            MethodDefinition? target = null;
            foreach (var level in chain)
            {
                target = level.Definition.Methods.FirstOrDefault(m => m.IsVirtual && Key(m, level.Context) == key);
                if (target is not null)
                    break;
            }

            if (target is null)
            {
                if (complete)
                    Problem($"{type.FullName}::{method.Name} overrides a method that no longer exists in its ML.NET base classes");
                continue;
            }
            if (IsAudited(target.Module.Assembly.Name.Name) && !IsVisible(target))
                Use(target.DeclaringType, "override", target.FullName);
        }
    }

    private void CheckAbstractMembersImplemented(TypeDefinition type, List<Level> chain)
    {
        var implemented = type.Methods.Where(m => m.IsVirtual && !m.IsAbstract).Select(m => Key(m, null)).ToHashSet();
        foreach (var level in chain)
        {
            foreach (var method in level.Definition.Methods)
            {
                var key = Key(method, level.Context);
                if (method.IsAbstract && !implemented.Contains(key) && IsAudited(level.Definition.Module.Assembly.Name.Name))
                    Problem($"{type.FullName} does not implement the abstract member {method.FullName}");
            }
            foreach (var method in level.Definition.Methods.Where(m => m.IsVirtual && !m.IsAbstract))
                implemented.Add(Key(method, level.Context));
        }
    }

    private void CheckInterfaces(TypeDefinition type, List<Level> chain)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<TypeReference>(type.Interfaces.Select(i => i.InterfaceType));
        while (pending.Count > 0)
        {
            var interfaceReference = pending.Pop();
            if (!IsAudited(ScopeAssembly(interfaceReference)) || !seen.Add(TypeKey(interfaceReference)))
                continue;
            var interfaceType = TryResolve(interfaceReference, reportMissing: false);
            if (interfaceType is null)
                continue; // Already reported as a missing type.
            var context = interfaceReference as GenericInstanceType;
            foreach (var inherited in interfaceType.Interfaces)
                pending.Push(Inflate(inherited.InterfaceType, context));

            foreach (var member in interfaceType.Methods.Where(m => m.IsAbstract && !m.IsStatic))
            {
                var key = Key(member, context);
                if (!IsImplemented(type, chain, interfaceType, member, key))
                    Problem($"{type.FullName} does not implement {interfaceType.FullName}::{member.Name}");
            }
        }
    }

    private static bool IsImplemented(TypeDefinition type, List<Level> chain, TypeDefinition interfaceType, MethodDefinition member, string key)
    {
        foreach (var level in chain.Prepend(new Level(type, null)))
        {
            foreach (var method in level.Definition.Methods)
            {
                if (method.HasOverrides && method.Overrides.Any(o => o.Name == member.Name && o.DeclaringType.GetElementType().FullName == interfaceType.FullName))
                    return true;
                if (method.IsPublic && !method.IsStatic && method.Name == member.Name && Key(method, level.Context) == key)
                    return true;
            }
        }
        return false;
    }

    // ---- the runtime side of the contract ---------------------------------------------------------------

    private void CheckIgnoresAccessChecksTo()
    {
        // Without the declaration the JIT throws MethodAccessException, type loading fails on the overrides, and
        // ML.NET's [LoadableClass] attributes are dropped without any error, so the model fails to load later.
        var declared = _module.Assembly.CustomAttributes
            .Where(a => a.AttributeType.FullName == IgnoresAccessChecksToAttribute && a.ConstructorArguments.Count == 1)
            .Select(a => a.ConstructorArguments[0].Value as string)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        foreach (var assembly in _used.Select(u => u.Assembly).Distinct())
            if (!declared.Contains(assembly))
                Problem($"uses non-public members of {assembly} but has no [assembly: IgnoresAccessChecksTo(\"{assembly}\")]");
    }

    private void CheckRealAssemblies()
    {
        foreach (var module in _auditedModules.Values)
        {
            if (module.Assembly.Name.HasPublicKey && (module.Attributes & ModuleAttributes.StrongNameSigned) == 0)
                Problem($"{module.FileName} is not strong-name signed: it looks like a publicized compile-time copy; audit against the real package assemblies");
        }
    }

    // ---- output -------------------------------------------------------------------------------------------

    private int Report(string libraryPath, string? reportPath)
    {
        var listing = new StringBuilder();
        listing.AppendLine($"# Non-public ML.NET surface used by {_module.Assembly.Name.Name}");
        foreach (var module in _auditedModules.Values.OrderBy(m => m.Assembly.Name.Name, StringComparer.Ordinal))
            listing.AppendLine($"# checked against {module.Assembly.Name.Name} {InformationalVersion(module)} ({module.FileName})");
        foreach (var (assembly, kind, entity) in _used)
            listing.AppendLine($"{assembly,-30} {kind,-28} {entity}");

        var perAssembly = string.Join(", ", _used.GroupBy(u => u.Assembly).Select(g => $"{g.Key}: {g.Count()}"));
        var summary = $"MLNetInternals audit of {Path.GetFileName(libraryPath)}: {_used.Count} non-public ML.NET entities used"
                      + (perAssembly.Length > 0 ? $" ({perAssembly})" : "") + $", {_problems.Count} problem(s)";

        if (reportPath is not null)
        {
            var problems = _problems.Select(p => $"PROBLEM {p}");
            File.WriteAllText(reportPath, listing + string.Join(Environment.NewLine, problems.Append(summary)) + Environment.NewLine);
        }
        else
        {
            Console.Out.Write(listing);
        }
        // Canonical "origin: error code: text" lines become build errors under MSBuild's Exec.
        foreach (var problem in _problems)
            Console.Out.WriteLine($"{libraryPath}: error MLNETINT001: {problem}");
        Console.Out.WriteLine(summary);
        return _problems.Count == 0 ? 0 : 1;
    }

    private static string InformationalVersion(ModuleDefinition module) =>
        module.Assembly.CustomAttributes
            .FirstOrDefault(a => a.AttributeType.Name == "AssemblyInformationalVersionAttribute")?
            .ConstructorArguments.FirstOrDefault().Value as string ?? module.Assembly.Name.Version.ToString();

    // ---- helpers ------------------------------------------------------------------------------------------

    private void Use(TypeDefinition owner, string kind, string entity)
    {
        // A friend assembly (one that names this library in [InternalsVisibleTo], such as the library's own
        // Microsoft.ML.Alter.MiniLM) grants that access itself: nothing for the runtime to skip, nothing to audit.
        if (!GrantsFriendAccess(owner.Module.Assembly))
            _used.Add((owner.Module.Assembly.Name.Name, kind, entity));
    }

    private bool GrantsFriendAccess(AssemblyDefinition assembly) => assembly.CustomAttributes.Any(a =>
        a.AttributeType.FullName == "System.Runtime.CompilerServices.InternalsVisibleToAttribute"
        && a.ConstructorArguments.Count == 1 && a.ConstructorArguments[0].Value is string friend
        && friend.Split(',')[0].Trim() == _module.Assembly.Name.Name);

    private void Problem(string text) => _problems.Add(text);

    private void MissingAssembly(AssemblyNameReference assembly, string neededFor)
    {
        _missingAssemblies[assembly.FullName] = _missingAssemblies.TryGetValue(assembly.FullName, out var seen)
            ? (seen.Count + 1, seen.Example)
            : (1, neededFor);
    }

    private void Note(IMemberDefinition definition)
    {
        var module = definition.DeclaringType?.Module ?? (definition as TypeDefinition)?.Module;
        if (module is not null && IsAudited(module.Assembly.Name.Name))
            _auditedModules.TryAdd(module.Assembly.Name.Name, module);
    }

    private TypeDefinition? TryResolve(TypeReference reference, bool reportMissing = true)
    {
        TypeDefinition? definition;
        try
        {
            definition = reference.Resolve();
        }
        catch (AssemblyResolutionException e)
        {
            if (reportMissing || IsAudited(e.AssemblyReference.Name))
                MissingAssembly(e.AssemblyReference, reference.FullName);
            return null;
        }
        if (definition is null)
        {
            if (reportMissing && IsAudited(ScopeAssembly(reference)))
                Problem($"type {reference.FullName} no longer exists in {ScopeAssembly(reference)}");
            return null;
        }
        if (IsAudited(definition.Module.Assembly.Name.Name))
            _auditedModules.TryAdd(definition.Module.Assembly.Name.Name, definition.Module);
        return definition;
    }

    // The audited library may itself be named Microsoft.ML.* (Microsoft.ML.Alter): its own members are not ML.NET's.
    private bool IsAudited(string? assemblyName) =>
        assemblyName is not null && assemblyName != _module.Assembly.Name.Name
        && (assemblyName == AuditedPrefix || assemblyName.StartsWith(AuditedPrefix + ".", StringComparison.Ordinal));

    private static string? ScopeAssembly(TypeReference type)
    {
        var element = type.GetElementType();
        if (element is GenericParameter)
            return null;
        return element.Scope switch
        {
            AssemblyNameReference name => name.Name,
            ModuleDefinition module => module.Assembly.Name.Name,
            _ => null,
        };
    }

    private static bool IsVisible(TypeDefinition type) => type.IsNested
        ? (type.IsNestedPublic || type.IsNestedFamily || type.IsNestedFamilyOrAssembly) && IsVisible(type.DeclaringType)
        : type.IsPublic;

    private static bool IsVisible(MethodDefinition method) =>
        (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly) && IsVisible(method.DeclaringType);

    private static bool IsVisible(FieldDefinition field) =>
        (field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly) && IsVisible(field.DeclaringType);

    /// <summary>Name, generic arity and parameter types: what the runtime matches an override or an interface
    /// implementation on. Return types are left out so covariant returns still match.</summary>
    private static string Key(MethodDefinition method, GenericInstanceType? context) =>
        $"{method.Name}`{method.GenericParameters.Count}({string.Join(",", method.Parameters.Select(p => TypeKey(Inflate(p.ParameterType, context))))})";

    private static string TypeKey(TypeReference type) => type switch
    {
        GenericParameter parameter => (parameter.Type == GenericParameterType.Method ? "!!" : "!") + parameter.Position,
        GenericInstanceType instance => $"{TypeKey(instance.ElementType)}<{string.Join(",", instance.GenericArguments.Select(TypeKey))}>",
        ArrayType array => $"{TypeKey(array.ElementType)}[{new string(',', array.Rank - 1)}]",
        ByReferenceType byReference => TypeKey(byReference.ElementType) + "&",
        PointerType pointer => TypeKey(pointer.ElementType) + "*",
        RequiredModifierType required => $"{TypeKey(required.ElementType)} modreq({required.ModifierType.FullName})",
        OptionalModifierType optional => TypeKey(optional.ElementType),
        _ => type.FullName,
    };

    /// <summary>Substitutes a generic base type's arguments for its generic parameters.</summary>
    private static TypeReference Inflate(TypeReference type, GenericInstanceType? context)
    {
        if (context is null)
            return type;
        switch (type)
        {
            case GenericParameter { Type: GenericParameterType.Type } parameter when parameter.Position < context.GenericArguments.Count:
                return context.GenericArguments[parameter.Position];
            case GenericInstanceType instance:
                var inflated = new GenericInstanceType(instance.ElementType);
                foreach (var argument in instance.GenericArguments)
                    inflated.GenericArguments.Add(Inflate(argument, context));
                return inflated;
            case ArrayType array:
                return new ArrayType(Inflate(array.ElementType, context), array.Rank);
            case ByReferenceType byReference:
                return new ByReferenceType(Inflate(byReference.ElementType, context));
            case PointerType pointer:
                return new PointerType(Inflate(pointer.ElementType, context));
            case RequiredModifierType required:
                return new RequiredModifierType(required.ModifierType, Inflate(required.ElementType, context));
            case OptionalModifierType optional:
                return new OptionalModifierType(optional.ModifierType, Inflate(optional.ElementType, context));
            default:
                return type;
        }
    }
}
