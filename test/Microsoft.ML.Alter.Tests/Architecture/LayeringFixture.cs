// Two namespaces with one reference each way, for LayeringTests.AReversedReferenceIsReported: Upper → Lower is allowed,
// Lower → Upper (in a method body only, the hardest kind to see) must be reported.
namespace Microsoft.ML.Alter.Tests.Architecture.Fixture.Lower
{
    internal static class LowerThing
    {
        public static int Reach() => Upper.UpperThing.Value();
    }
}

namespace Microsoft.ML.Alter.Tests.Architecture.Fixture.Upper
{
    internal static class UpperThing
    {
        public static int Value() => 1;

        public static Type Down() => typeof(Lower.LowerThing);
    }
}
