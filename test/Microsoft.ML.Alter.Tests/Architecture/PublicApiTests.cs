using System.Reflection;
using Microsoft.ML.Alter.Modeling;

namespace Microsoft.ML.Alter.Tests.Architecture;

/// <summary>
/// The library's public surface is deliberate: it must equal the checked-in listing PublicApi.txt (one line per public
/// type and per public or protected member, sorted). A change to the surface fails this test with the lines added and
/// removed; if the change is meant, accept it by copying PublicApi.received.txt (written beside PublicApi.txt on failure)
/// over PublicApi.txt, or by running the test with ALTER_ACCEPT_PUBLIC_API=1, and commit the listing with the change.
/// </summary>
[TestClass]
public sealed class PublicApiTests
{
    [TestMethod]
    public void PublicSurfaceMatchesTheListing()
    {
        var folder = SourceFolder.Of("Architecture");
        var listing = Path.Combine(folder, "PublicApi.txt");
        var received = Path.Combine(folder, "PublicApi.received.txt");
        var current = Listing(typeof(AlterModel).Assembly);
        if (Environment.GetEnvironmentVariable("ALTER_ACCEPT_PUBLIC_API") == "1")
            File.WriteAllLines(listing, current);
        var expected = File.Exists(listing) ? File.ReadAllLines(listing).Where(l => l.Length > 0).ToList() : new List<string>();
        var added = current.Except(expected).ToList();
        var removed = expected.Except(current).ToList();
        if (added.Count == 0 && removed.Count == 0)
        {
            File.Delete(received);
            return;
        }
        File.WriteAllLines(received, current);
        Assert.Fail($"The public API differs from {listing}:\n" + string.Join("\n", added.Select(l => "+ " + l).Concat(removed.Select(l => "- " + l)))
                    + $"\nIf this is meant, copy {received} over it (or run with ALTER_ACCEPT_PUBLIC_API=1).");
    }


    internal static List<string> Listing(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes())
        {
            lines.Add($"{Kind(type)} {Name(type)}{Bases(type)}");
            const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var member in type.GetMembers(declared))
                if (Visible(member) && Describe(member) is { } text)
                    lines.Add($"{Name(type)}::{text}");
        }
        return lines.Order(StringComparer.Ordinal).ToList();
    }

    private static bool Visible(MemberInfo member) => member switch
    {
        MethodBase m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly,
        FieldInfo f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly,
        PropertyInfo p => p.GetAccessors(nonPublic: true).Any(Visible),
        EventInfo e => e.AddMethod is { } add && Visible(add),
        _ => false,
    };

    private static string? Describe(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo m when m.IsSpecialName => null,
        MethodInfo m => $"{(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}{(m.IsGenericMethod ? "<" + string.Join(", ", m.GetGenericArguments().Select(Name)) + ">" : "")}({Parameters(m)})",
        PropertyInfo p => $"{Name(p.PropertyType)} {p.Name} {{ {string.Join(" ", p.GetAccessors(nonPublic: true).Where(Visible).Select(a => a.Name.StartsWith("get_", StringComparison.Ordinal) ? "get;" : IsInit(a) ? "init;" : "set;").Order())} }}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        _ => null,
    };

    private static bool IsInit(MethodInfo setter) => setter.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.Name == "IsExternalInit");

    private static string Parameters(MethodBase method)
        => string.Join(", ", method.GetParameters().Select(p => $"{(p.IsOut ? "out " : p.ParameterType.IsByRef ? "ref " : "")}{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    private static string Kind(Type type)
        => type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";

    private static string Bases(Type type)
    {
        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum))
            bases.Add(Name(b));
        bases.AddRange(type.GetInterfaces().Select(Name).Order(StringComparer.Ordinal));
        return bases.Count == 0 ? "" : " : " + string.Join(", ", bases);
    }

    private static string Name(Type type)
    {
        if (type.IsByRef)
            return Name(type.GetElementType()!);
        if (type.IsArray)
            return Name(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (Nullable.GetUnderlyingType(type) is { } inner)
            return Name(inner) + "?";
        var name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;
        if (type.IsGenericParameter)
            return type.Name;
        if (!type.IsGenericType)
            return name;
        return name[..name.IndexOf('`')] + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
    }
}
