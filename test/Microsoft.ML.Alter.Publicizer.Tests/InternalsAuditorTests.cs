namespace Microsoft.ML.Alter.Build.Publicizer.Tests;

/// <summary>
/// The auditor on a stand-in "ML.NET" assembly (Microsoft.ML.Fake) and a library compiled against its publicized
/// copy, as eng/MLNetInternals.targets does with the real ones; then the stand-in changes as a new ML.NET release
/// might, and the audit must say what broke.
/// </summary>
[TestClass]
public sealed class InternalsAuditorTests
{
    private const string Fake = "Microsoft.ML.Fake";

    // What the library uses: an internal type and method, an internal virtual it overrides, a public abstract base
    // and a public interface (checked for new members), and an internal attribute property it sets.
    private const string FakeSource = """
        namespace Microsoft.ML.Fake;
        internal static class Secret { internal static int Value() => 1; public static int Open() => 2; }
        public class Base { internal virtual int Hook(int x) => x; public virtual int Visible() => 0; }
        public abstract class Shape { public abstract int Area(); }
        public interface IThing { int A(); }
        public sealed class MarkAttribute : System.Attribute { internal string Name { get; set; } = ""; }
        """;

    private const string LibrarySource = """
        [assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Fake")]
        [assembly: Microsoft.ML.Fake.Mark(Name = "lib")]
        namespace System.Runtime.CompilerServices
        {
            [System.AttributeUsage(System.AttributeTargets.Assembly, AllowMultiple = true)]
            internal sealed class IgnoresAccessChecksToAttribute : System.Attribute { public IgnoresAccessChecksToAttribute(string name) { } }
        }
        namespace Lib
        {
            public class Derived : Microsoft.ML.Fake.Base { public override int Hook(int x) => x + 1; public override int Visible() => 1; }
            public sealed class Square : Microsoft.ML.Fake.Shape { public override int Area() => 4; }
            public sealed class Thing : Microsoft.ML.Fake.IThing { public int A() => 3; }
            public static class User { public static int Use() => Microsoft.ML.Fake.Secret.Value() + Microsoft.ML.Fake.Secret.Open(); }
        }
        """;

    private string _root = "";

    [TestInitialize]
    public void CreateFolder() => _root = Directory.CreateTempSubdirectory("auditor-tests").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_root, recursive: true);

    /// <summary>Builds the library against the publicized copy of <see cref="FakeSource"/>; the real (first) version
    /// of the stand-in goes into the folder "real", which the audit is run against unless a test replaces it.</summary>
    private string BuildLibrary(string librarySource = LibrarySource)
    {
        var real = Compiler.Compile(Path.Combine(_root, "real"), Fake, FakeSource);
        var publicized = Path.Combine(_root, "publicized", Fake + ".dll");
        Directory.CreateDirectory(Path.GetDirectoryName(publicized)!);
        AssemblyPublicizer.Publicize(real, publicized, includePrivate: false);
        return Compiler.Compile(Path.Combine(_root, "lib"), "Lib", librarySource, publicized);
    }

    /// <summary>Replaces the real stand-in by another version, as a newer ML.NET release would.</summary>
    private string NewRelease(string source) => Compiler.Compile(Path.Combine(_root, "next"), Fake, source);

    private (int ExitCode, string Output, string Report) Audit(string library, string referenceFolder)
    {
        var report = Path.Combine(_root, "report.txt");
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            exit = InternalsAuditor.Run(library, new[] { referenceFolder }, report);
        }
        finally
        {
            Console.SetOut(console);
        }
        return (exit, output.ToString(), File.ReadAllText(report));
    }

    /// <summary>Audits the library against a new release built from <paramref name="source"/>: it must fail with
    /// exactly <paramref name="problems"/>, each named in a build-error line.</summary>
    private void AssertNewReleaseFails(string source, params string[] problems)
    {
        var library = BuildLibrary();
        NewRelease(source);
        var (exit, output, report) = Audit(library, Path.Combine(_root, "next"));
        Assert.AreEqual(1, exit, output);
        foreach (var problem in problems)
        {
            StringAssert.Contains(output, "Lib.dll: error MLNETINT001: " + problem);
            StringAssert.Contains(report, "PROBLEM " + problem);
        }
        StringAssert.Contains(output, $", {problems.Length} problem(s)");
    }

    [TestMethod]
    public void ListsEveryNonPublicEntityUsedAndNothingPublicWhenAllStillExist()
    {
        var (exit, output, report) = Audit(BuildLibrary(), Path.Combine(_root, "real"));
        Console.WriteLine(report);
        Assert.AreEqual(0, exit, output);
        StringAssert.Contains(report, "Microsoft.ML.Fake              type");
        StringAssert.Contains(report, "Microsoft.ML.Fake.Secret" + Environment.NewLine);
        StringAssert.Contains(report, "System.Int32 Microsoft.ML.Fake.Secret::Value()");
        StringAssert.Contains(report, "override                     System.Int32 Microsoft.ML.Fake.Base::Hook(System.Int32)");
        StringAssert.Contains(report, "attribute property           System.String Microsoft.ML.Fake.MarkAttribute::Name()");
        // A public method of an internal type is out of reach too; a public member of a public type is not.
        StringAssert.Contains(report, "System.Int32 Microsoft.ML.Fake.Secret::Open()");
        Assert.IsFalse(report.Contains("Visible", StringComparison.Ordinal) || report.Contains("Area", StringComparison.Ordinal), report);
        StringAssert.Contains(output, "MLNetInternals audit of Lib.dll: 5 non-public ML.NET entities used (Microsoft.ML.Fake: 5), 0 problem(s)");
        Assert.IsFalse(output.Contains("error", StringComparison.Ordinal), output);
    }

    [TestMethod]
    public void TheReportIsTheSameOnEveryRun()
    {
        var library = BuildLibrary();
        var first = Audit(library, Path.Combine(_root, "real")).Report;
        Assert.AreEqual(first, Audit(library, Path.Combine(_root, "real")).Report);
    }

    [TestMethod]
    public void AMethodGoneInTheNewReleaseFailsTheAuditNamingIt()
        => AssertNewReleaseFails(FakeSource.Replace("internal static int Value() => 1; ", "", StringComparison.Ordinal),
            "method System.Int32 Microsoft.ML.Fake.Secret::Value() no longer exists in Microsoft.ML.Fake");

    [TestMethod]
    public void ATypeGoneInTheNewReleaseFailsTheAudit()
        => AssertNewReleaseFails(FakeSource.Replace("internal static class Secret", "internal static class Renamed", StringComparison.Ordinal),
            "type Microsoft.ML.Fake.Secret no longer exists in Microsoft.ML.Fake",
            // Its methods went with it, each reported.
            "method System.Int32 Microsoft.ML.Fake.Secret::Open() no longer exists in Microsoft.ML.Fake",
            "method System.Int32 Microsoft.ML.Fake.Secret::Value() no longer exists in Microsoft.ML.Fake");

    [TestMethod]
    public void AnOverrideWhoseBaseMethodWasRenamedFailsTheAudit()
        => AssertNewReleaseFails(FakeSource.Replace("Hook(int x)", "HookRenamed(int x)", StringComparison.Ordinal),
            "Lib.Derived::Hook overrides a method that no longer exists in its ML.NET base classes");

    [TestMethod]
    public void ANewAbstractMemberOrInterfaceMemberFailsTheAudit()
        => AssertNewReleaseFails(FakeSource.Replace("public abstract int Area();", "public abstract int Area(); public abstract int Perimeter();", StringComparison.Ordinal)
                .Replace("int A();", "int A(); int B();", StringComparison.Ordinal),
            "Lib.Square does not implement the abstract member System.Int32 Microsoft.ML.Fake.Shape::Perimeter()",
            "Lib.Thing does not implement Microsoft.ML.Fake.IThing::B");

    [TestMethod]
    public void AnAttributePropertyGoneFailsTheAudit()
        => AssertNewReleaseFails(FakeSource.Replace("internal string Name { get; set; } = \"\";", "", StringComparison.Ordinal),
            "attribute Microsoft.ML.Fake.MarkAttribute no longer has the property 'Name' the library sets");

    [TestMethod]
    public void ALibraryWithoutIgnoresAccessChecksToFailsTheAudit()
    {
        var library = BuildLibrary(LibrarySource.Replace("[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo(\"Microsoft.ML.Fake\")]", "", StringComparison.Ordinal));
        var (exit, output, _) = Audit(library, Path.Combine(_root, "real"));
        Assert.AreEqual(1, exit, output);
        StringAssert.Contains(output, "uses non-public members of Microsoft.ML.Fake but has no [assembly: IgnoresAccessChecksTo(\"Microsoft.ML.Fake\")]");
    }

    [TestMethod]
    public void AReferenceFolderWithoutTheAssemblyIsReportedOnceForThatAssembly()
    {
        var library = BuildLibrary();
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        var (exit, output, _) = Audit(library, empty);
        Assert.AreEqual(1, exit, output);
        var lines = output.Split('\n').Where(l => l.Contains("assembly Microsoft.ML.Fake,", StringComparison.Ordinal)).ToList();
        Assert.AreEqual(1, lines.Count, output);
        StringAssert.Contains(lines[0], "was not found in the reference directories");
    }

    [TestMethod]
    public void AFriendAssemblysInternalsAreNotAudited()
    {
        // An assembly that names the library in [InternalsVisibleTo] grants the access itself (as the library's own
        // Microsoft.ML.Alter.MiniLM does): nothing for the runtime to skip.
        var library = BuildLibrary();
        NewRelease("[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"Lib\")]\n" + FakeSource);
        var (exit, output, report) = Audit(library, Path.Combine(_root, "next"));
        Assert.AreEqual(0, exit, output);
        Assert.IsFalse(report.Contains("Secret", StringComparison.Ordinal), report);
        StringAssert.Contains(output, "0 non-public ML.NET entities used, 0 problem(s)");
    }
}
