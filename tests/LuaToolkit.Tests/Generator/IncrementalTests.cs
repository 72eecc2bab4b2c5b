using LuaToolkit.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LuaToolkit.Tests.Generator;

/// <summary>The pipeline caches: an edit that touches no annotated type regenerates nothing.</summary>
public sealed class IncrementalTests
{
    private const string Module = """
        using LuaToolkit;
        [LuaOptions] public sealed class Opts { public string Name { get; set; } = ""; }
        [LuaModule("m")] public static partial class Calc
        {
            [LuaFunction] public static long Add(long a, long b) => a + b;
            [LuaFunction] public static string Hi(Opts o) => o.Name;
        }
        """;

    private const string Unrelated = "public static class Helper { public static int Value => 1; }";

    [Fact]
    public void UnrelatedEditLeavesEveryStepCached()
    {
        var compilation = GeneratorHarness.Compile(true, Module, Unrelated);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = ReplaceTree(compilation, 1, "public static class Helper { public static int Value => 2; public static int Other => 3; }");
        var result = driver.RunGenerators(edited).GetRunResult().Results[0];

        foreach (var step in new[] { LuaModuleGenerator.ModulesStep, LuaModuleGenerator.OptionsStep })
        {
            var outputs = result.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {o.Reason}"));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void EditingTheModuleRegeneratesIt()
    {
        var compilation = GeneratorHarness.Compile(true, Module, Unrelated);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = ReplaceTree(compilation, 0, Module.Replace("a + b", "a - b").Replace("Hi(", "Hello("));
        var result = driver.RunGenerators(edited).GetRunResult().Results[0];

        Assert.Contains(result.TrackedSteps[LuaModuleGenerator.ModulesStep].SelectMany(s => s.Outputs),
            o => o.Reason == IncrementalStepRunReason.Modified);
    }

    private static Compilation ReplaceTree(CSharpCompilation compilation, int index, string text)
    {
        var old = compilation.SyntaxTrees.ElementAt(index);
        return compilation.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(text, (CSharpParseOptions)old.Options, old.FilePath));
    }
}
