namespace LuaToolkit.Tests.Generator;

/// <summary>Each diagnostic: its id, where it points, and that nothing is generated for a broken module.</summary>
public sealed class DiagnosticTests
{
    private const string Usings = "using System.Threading.Tasks;\nusing LuaToolkit;\n";

    [Fact]
    public void ClassNotPartial()
    {
        var r = GeneratorHarness.Run(Usings + "[LuaModule(\"m\")] public static class Calc { [LuaFunction] public static long One() => 1; }");
        Assert.Equal(("LUA0001", "Calc", 3), r.Single());
        Assert.Empty(r.Files);
    }

    [Fact]
    public void UnsupportedParameterType()
    {
        var r = GeneratorHarness.Run(Usings + "[LuaModule(\"m\")] public static partial class Calc {\n  [LuaFunction] public static long F(long a, object bad) => 1;\n}");
        Assert.Equal(("LUA0002", "bad", 4), r.Single());
        Assert.Contains("'bad' of 'F' has type 'object'", r.GeneratorDiagnostics[0].GetMessage());
    }

    [Fact]
    public void AStringBufferIsAResultNotAParameter()
    {
        // A LuaStringBuffer is handed to Lua and finished there; Lua has none to pass in.
        var r = GeneratorHarness.Run(Usings + "[LuaModule(\"m\")] public static partial class Calc {\n  [LuaFunction] public static LuaStringBuffer F(LuaStringBuffer b) => b;\n}");
        Assert.Equal(("LUA0002", "b", 4), r.Single());
    }

    [Fact]
    public void RefParametersAreUnsupported()
    {
        var r = GeneratorHarness.Run(Usings + "[LuaModule(\"m\")] public static partial class Calc { [LuaFunction] public static void F(ref long a) { } }");
        Assert.Equal(("LUA0002", "a", 3), r.Single());
    }

    [Fact]
    public void UnsupportedReturnType()
    {
        var r = GeneratorHarness.Run(Usings + "[LuaModule(\"m\")] public static partial class Calc {\n  [LuaFunction] public static System.DateTime Now() => default;\n}");
        Assert.Equal(("LUA0003", "System.DateTime", 4), r.Single());
    }

    [Fact]
    public void DuplicateLuaNames()
    {
        var r = GeneratorHarness.Run(Usings + """
            [LuaModule("m")] public static partial class Calc
            {
                [LuaFunction("f")] public static long A(long x) => 1;
                [LuaFunction("f")] public static long B(double y) => 2;
            }
            """);
        Assert.Equal(("LUA0004", "B", 6), r.Single());
        Assert.Contains("'f' is used more than once in module 'm'", r.GeneratorDiagnostics[0].GetMessage());
    }

    [Fact]
    public void OptionsTypeWithoutSettableProperties()
    {
        var r = GeneratorHarness.Run(Usings + "[LuaOptions] public sealed class Opts { public string Name { get; } = \"\"; }");
        Assert.Equal(("LUA0005", "Opts", 3), r.Single());
        Assert.Contains("has no public settable properties", r.GeneratorDiagnostics[0].GetMessage());
    }

    [Fact]
    public void OptionsTypeWithoutParameterlessConstructor()
    {
        var r = GeneratorHarness.Run(Usings + "[LuaOptions] public sealed class Opts { public Opts(int x) { } public string Name { get; set; } = \"\"; }");
        Assert.Equal(("LUA0005", "Opts", 3), r.Single());
        Assert.Contains("has no public parameterless constructor", r.GeneratorDiagnostics[0].GetMessage());
    }

    [Fact]
    public void AsyncMethodWithUnsupportedReturnType()
    {
        var r = GeneratorHarness.Run(Usings + "[LuaModule(\"m\")] public static partial class Calc {\n  [LuaFunction] public static Task<object> F() => null!;\n}");
        Assert.Equal(("LUA0006", "Task<object>", 4), r.Single());
        var v = GeneratorHarness.Run(Usings + "[LuaModule(\"m\")] public static partial class Calc {\n  [LuaFunction] public static async void G() { await Task.Yield(); }\n}");
        Assert.Equal(("LUA0006", "void", 4), v.Single());
    }

    [Fact]
    public void InvalidLuaNames()
    {
        var f = GeneratorHarness.Run(Usings + "[LuaModule(\"m\")] public static partial class Calc {\n  [LuaFunction(\"end\")] public static long F() => 1;\n}");
        Assert.Equal(("LUA0007", "LuaFunction(\"end\")", 4), f.Single());
        var m = GeneratorHarness.Run(Usings + "[LuaModule(\"\")] public static partial class Calc { [LuaFunction] public static long F() => 1; }");
        Assert.Equal(("LUA0007", "LuaModule(\"\")", 3), m.Single());
    }

    [Fact]
    public void UnsupportedOptionPropertyType()
    {
        var r = GeneratorHarness.Run(Usings + "[LuaOptions] public sealed class Opts {\n  public System.DateTime When { get; set; }\n}");
        Assert.Equal(("LUA0008", "When", 4), r.Single());
    }

    [Fact]
    public void UnsafeCodeRequired()
    {
        var r = GeneratorHarness.Run(Usings + "[LuaModule(\"m\")] public static partial class Calc { [LuaFunction] public static long F() => 1; }", allowUnsafe: false);
        var d = Assert.Single(r.GeneratorDiagnostics);
        Assert.Equal("LUA0009", d.Id);
        Assert.Contains("AllowUnsafeBlocks", d.GetMessage());
    }

    [Fact]
    public void NestedModuleClass()
    {
        var r = GeneratorHarness.Run(Usings + "public static partial class Outer { [LuaModule(\"m\")] public static partial class Calc { [LuaFunction] public static long F() => 1; } }");
        Assert.Equal(("LUA0010", "Calc", 3), r.Single());
    }

    [Fact]
    public void EveryDiagnosticHasHelpText()
    {
        foreach (var id in Enumerable.Range(1, 10).Select(i => $"LUA{i:0000}"))
        {
            var descriptor = typeof(LuaToolkit.Generators.LuaModuleGenerator).Assembly
                .GetType("LuaToolkit.Generators.Diagnostics.DiagnosticDescriptors")!
                .GetMethod("ById")!.Invoke(null, [id]) as Microsoft.CodeAnalysis.DiagnosticDescriptor;
            Assert.NotNull(descriptor);
            Assert.False(string.IsNullOrWhiteSpace(descriptor!.Description.ToString()), id);
        }
    }
}
