using Mono.Cecil;

namespace Microsoft.ML.Alter.Build.Publicizer;

/// <summary>Counts what one publicize run changed, for the build log.</summary>
internal readonly record struct PublicizeStats(int Types, int Methods, int Fields)
{
    public override string ToString() => $"{Types} types, {Methods} methods, {Fields} fields made visible";
}

/// <summary>
/// Writes compile-time-only copies of assemblies with their non-public surface opened up, so that C# code can
/// name ML.NET internals. The runtime never sees these copies: it loads the real assemblies and skips its
/// access checks because the consuming assembly declares [IgnoresAccessChecksTo].
/// </summary>
internal static class AssemblyPublicizer
{
    private const string CompilerGeneratedAttribute = "System.Runtime.CompilerServices.CompilerGeneratedAttribute";

    /// <param name="includePrivate">
    /// Also open private members and private nested types. Off by default: ML.NET code needs its internal and
    /// private-protected surface, while opened private members mostly cause harm: a derived class in the library
    /// that names a field like a private one of its ML.NET base (ML.NET's own <c>_parent</c>, <c>_host</c>, ...)
    /// gets CS0108 "hides inherited member", and a call can silently bind to a private overload or to a private
    /// instance method instead of an extension method.
    /// </param>
    public static PublicizeStats Publicize(string inputPath, string outputPath, bool includePrivate)
    {
        using var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(Path.GetDirectoryName(Path.GetFullPath(inputPath))!);
        var readerParameters = new ReaderParameters
        {
            AssemblyResolver = resolver,
            // Everything is read up front and the file is not kept open, so the output may even replace the input.
            ReadingMode = ReadingMode.Immediate,
            InMemory = true,
            ReadSymbols = false,
        };

        var counts = new int[3];
        using (var assembly = AssemblyDefinition.ReadAssembly(inputPath, readerParameters))
        {
            foreach (var module in assembly.Modules)
            {
                foreach (var type in module.Types)
                {
                    // Non-public types in System.* are polyfills of framework types (ML.NET targets netstandard2.0).
                    // Made public they would clash with the framework's own (CS0433) wherever the library names them.
                    if (!type.IsPublic && (type.Namespace == "System" || type.Namespace.StartsWith("System.", StringComparison.Ordinal)))
                        continue;
                    OpenTypeAndMembers(type, includePrivate, counts);
                }

                // The signature no longer matches the bytes. Clearing the flag keeps tools that verify it quiet;
                // the public key stays, so the identity the compiler records is still the real assembly's.
                module.Attributes &= ~ModuleAttributes.StrongNameSigned;
            }

            WriteAtomically(assembly, outputPath);
        }
        return new PublicizeStats(counts[0], counts[1], counts[2]);
    }

    private static void OpenTypeAndMembers(TypeDefinition type, bool includePrivate, int[] counts)
    {
        // <Module>, closures, state machines, anonymous types: not nameable from C#. Embedded attributes
        // (NullableAttribute & co.) are private copies that Roslyn must keep ignoring.
        if (!IsUserNamed(type.Name) || IsCompilerGenerated(type))
            return;
        if (type.IsNestedPrivate && !includePrivate)
            return; // C# forbids a non-private member from exposing a private nested type, so nothing needs it.

        if (OpenType(type)) counts[0]++;
        foreach (var method in type.Methods)
            if (OpenMethod(method, includePrivate)) counts[1]++;

        // A field-like event's backing field carries the event's own name; publishing it would make every use
        // of the event ambiguous (CS0229).
        var eventNames = type.HasEvents ? type.Events.Select(e => e.Name).ToHashSet() : null;
        foreach (var field in type.Fields)
            if (eventNames?.Contains(field.Name) != true && OpenField(field, includePrivate)) counts[2]++;

        foreach (var nested in type.NestedTypes)
            OpenTypeAndMembers(nested, includePrivate, counts);
    }

    private static bool OpenType(TypeDefinition type)
    {
        var visibility = type.Attributes & TypeAttributes.VisibilityMask;
        var wanted = type.IsNested ? TypeAttributes.NestedPublic : TypeAttributes.Public;
        if (visibility == wanted)
            return false;
        type.Attributes = (type.Attributes & ~TypeAttributes.VisibilityMask) | wanted;
        return true;
    }

    private static bool OpenMethod(MethodDefinition method, bool includePrivate)
    {
        // Explicit interface implementations are private with a .override; C# binds them through the interface.
        if (method.HasOverrides)
            return false;
        var access = method.Attributes & MethodAttributes.MemberAccessMask;
        // "Compiler controlled" members cannot be referenced by name at all.
        if (access == MethodAttributes.CompilerControlled || (access == MethodAttributes.Private && !includePrivate))
            return false;
        // Lambdas and local functions are named <...>; accessors of auto-properties are compiler-generated
        // but must follow their property, or the property would stay partly closed.
        if (!IsUserNamed(method.Name))
            return false;
        bool isAccessor = method.IsGetter || method.IsSetter || method.IsAddOn || method.IsRemoveOn;
        if (!isAccessor && IsCompilerGenerated(method))
            return false;

        var wanted = TargetAccess(method, access);
        if (access == wanted)
            return false;
        method.Attributes = (method.Attributes & ~MethodAttributes.MemberAccessMask) | wanted;
        return true;
    }

    /// <summary>
    /// Overridable members that some derived class may override keep a protected face. C# requires an override
    /// to repeat the overridden member's accessibility exactly (CS0507), and the overrides already compiled
    /// into ML.NET's own assemblies are protected, so turning the base member public would make the C# view of
    /// the class hierarchy inconsistent and force the library's overrides to leak into its public API.
    /// Every mapping is a function of the original access alone, so an override chain that was consistent
    /// before stays consistent after.
    /// </summary>
    private static MethodAttributes TargetAccess(MethodDefinition method, MethodAttributes access) =>
        method.IsVirtual && access is MethodAttributes.Family or MethodAttributes.FamANDAssem or MethodAttributes.FamORAssem
            ? MethodAttributes.Family
            : MethodAttributes.Public;

    private static bool OpenField(FieldDefinition field, bool includePrivate)
    {
        var access = field.Attributes & FieldAttributes.FieldAccessMask;
        if (access == FieldAttributes.Private && !includePrivate)
            return false;
        // Auto-property backing fields (<P>k__BackingField) and fixed-buffer helpers are compiler plumbing.
        if (access is FieldAttributes.Public or FieldAttributes.CompilerControlled || !IsUserNamed(field.Name) || IsCompilerGenerated(field))
            return false;
        field.Attributes = (field.Attributes & ~FieldAttributes.FieldAccessMask) | FieldAttributes.Public;
        return true;
    }

    private static void WriteAtomically(AssemblyDefinition assembly, string outputPath)
    {
        // MSBuild decides "up to date" from timestamps alone. A half-written file left by a cancelled build
        // would look current forever, so the final name only ever appears complete.
        var fullPath = Path.GetFullPath(outputPath);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var temporary = $"{fullPath}.{Environment.ProcessId}.tmp";
        try
        {
            assembly.Write(temporary);
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    private static bool IsUserNamed(string name) => name.Length > 0 && name[0] != '<';

    private static bool IsCompilerGenerated(ICustomAttributeProvider provider) =>
        provider.HasCustomAttributes &&
        provider.CustomAttributes.Any(a => a.AttributeType.FullName is CompilerGeneratedAttribute or "Microsoft.CodeAnalysis.EmbeddedAttribute");
}
