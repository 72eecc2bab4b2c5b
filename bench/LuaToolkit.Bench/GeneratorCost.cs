using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using LuaToolkit.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LuaToolkit.Bench;

/// <summary>
/// Issue 4 item 6: what the generator adds to a build of a synthetic project with 200 annotated
/// functions (10 modules x 20 [LuaFunction] methods, mixed parameter types, plus one [LuaOptions]
/// class per module), and proof from the step-tracking API that an unrelated edit regenerates nothing.
/// Everything runs in memory with Roslyn; times are medians of several runs after a warm-up.
/// </summary>
static class GeneratorCost
{
    private const int Modules = 10;
    private const int FunctionsPerModule = 20;
    private const int Repeats = 7;

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)),
        MetadataReference.CreateFromFile(typeof(LuaHost).Assembly.Location),
    ];

    private const string Unrelated = "public static class Helper { public static int Value => 1; }";
    private const string UnrelatedEdited = "public static class Helper { public static int Value => 2; public static int Other => 3; }";

    public static int Run()
    {
        var sources = Enumerable.Range(0, Modules).Select(ModuleSource).Append(Unrelated).ToArray();
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, CSharpParseOptions.Default, $"File{i}.cs")).ToArray();
        int functions = sources.Sum(s => CountOf(s, "[LuaFunction]"));
        Console.WriteLine($"Synthetic project: {Modules} modules, {functions} [LuaFunction] methods, {Modules} [LuaOptions] classes, {sources.Sum(s => s.Length):N0} chars");

        // Sanity: the generated code compiles, without errors, together with the project.
        {
            var c = Compile(trees);
            CreateDriver().RunGeneratorsAndUpdateCompilation(c, out var output, out var genDiags);
            var errors = genDiags.Concat(output.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            int generated = output.SyntaxTrees.Count() - trees.Length;
            if (errors.Count > 0 || generated == 0)
            {
                Console.Error.WriteLine($"FAILED: {generated} generated files, {errors.Count} errors");
                foreach (var e in errors.Take(10)) Console.Error.WriteLine("  " + e);
                return 1;
            }
            int generatedChars = output.SyntaxTrees.Skip(trees.Length).Sum(t => t.Length);
            Console.WriteLine($"Generated {generated} files ({generatedChars:N0} chars); project + generated code compiles with 0 errors");
        }

        // Compile (emit to memory) without the generator.
        double compileOnly = Median(() =>
        {
            var c = Compile(trees);
            Emit(c);
        });
        // Generator alone, first run on a fresh driver and a fresh compilation.
        double generatorFirst = Median(() =>
        {
            var c = Compile(trees);
            CreateDriver().RunGenerators(c);
        });
        // A full build with the generator: generate, then compile everything.
        double buildWithGenerator = Median(() =>
        {
            var c = Compile(trees);
            CreateDriver().RunGeneratorsAndUpdateCompilation(c, out var output, out _);
            Emit(output);
        });
        // Incremental: a warmed driver, then an unrelated edit.
        var times = new List<double>();
        GeneratorRunResult lastResult = default;
        for (int i = 0; i < Repeats + 1; i++)
        {
            var c = Compile(trees);
            var driver = CreateDriver().RunGenerators(c);
            var edited = c.ReplaceSyntaxTree(c.SyntaxTrees.Last(),
                CSharpSyntaxTree.ParseText(i % 2 == 0 ? UnrelatedEdited : UnrelatedEdited.Replace("3", "4"), CSharpParseOptions.Default, c.SyntaxTrees.Last().FilePath));
            var sw = Stopwatch.StartNew();
            driver = driver.RunGenerators(edited);
            sw.Stop();
            if (i > 0) times.Add(sw.Elapsed.TotalMilliseconds);
            lastResult = driver.GetRunResult().Results[0];
        }
        times.Sort();
        double incremental = times[times.Count / 2];

        Console.WriteLine();
        Console.WriteLine($"Median of {Repeats} runs after one warm-up (ms):");
        Console.WriteLine($"  compile + emit, no generator          {compileOnly,8:F1}");
        Console.WriteLine($"  generator first run (fresh driver)    {generatorFirst,8:F1}");
        Console.WriteLine($"  generate + compile + emit             {buildWithGenerator,8:F1}");
        Console.WriteLine($"  time the generator adds to the build  {buildWithGenerator - compileOnly,8:F1}   ({(buildWithGenerator - compileOnly) / compileOnly * 100:F0}% of compile)");
        Console.WriteLine($"  incremental run after unrelated edit  {incremental,8:F2}");

        // Step tracking: every output of "Modules" and "Options" must be Cached/Unchanged.
        Console.WriteLine();
        Console.WriteLine("Step tracking after the unrelated edit:");
        bool ok = true;
        foreach (var step in new[] { LuaModuleGenerator.ModulesStep, LuaModuleGenerator.OptionsStep })
        {
            if (!lastResult.TrackedSteps.TryGetValue(step, out var runs))
            {
                Console.WriteLine($"  {step}: step not tracked  FAIL");
                ok = false;
                continue;
            }
            var outputs = runs.SelectMany(s => s.Outputs).ToList();
            var reasons = outputs.GroupBy(o => o.Reason).Select(g => $"{g.Key}={g.Count()}");
            bool stepOk = outputs.Count > 0 && outputs.All(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
            Console.WriteLine($"  {step,-8} {outputs.Count,4} outputs: {string.Join(", ", reasons)}  {(stepOk ? "ok" : "FAIL")}");
            ok &= stepOk;
        }
        var sourceOutputs = lastResult.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        bool outOk = sourceOutputs.All(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        Console.WriteLine($"  {"output",-8} {sourceOutputs.Count,4} outputs: {string.Join(", ", sourceOutputs.GroupBy(o => o.Reason).Select(g => $"{g.Key}={g.Count()}"))}  {(outOk ? "ok" : "FAIL")}");
        ok &= outOk;

        if (!ok)
        {
            Console.Error.WriteLine("FAILED: an unrelated edit re-ran part of the generator pipeline");
            return 1;
        }
        Console.WriteLine("Unrelated edit regenerated nothing: every Modules/Options/output step is Cached or Unchanged.");
        return 0;
    }

    private static double Median(Action action) => Median(action, out _);

    private static double Median(Action action, out List<double> all)
    {
        action(); // warm-up
        all = [];
        for (int i = 0; i < Repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            all.Add(sw.Elapsed.TotalMilliseconds);
        }
        all.Sort();
        return all[all.Count / 2];
    }

    private static CSharpCompilation Compile(IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create("Synthetic", trees, References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true,
                nullableContextOptions: NullableContextOptions.Enable));

    private static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new LuaModuleGenerator().AsSourceGenerator()],
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static void Emit(Compilation c)
    {
        using var ms = new MemoryStream();
        var r = c.Emit(ms);
        if (!r.Success)
            throw new InvalidOperationException("emit failed: " + string.Join("; ", r.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(5)));
    }

    private static int CountOf(string s, string what)
    {
        int n = 0;
        for (int i = s.IndexOf(what, StringComparison.Ordinal); i >= 0; i = s.IndexOf(what, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>One module of 20 functions cycling through parameter shapes.</summary>
    private static string ModuleSource(int m)
    {
        var sb = new StringBuilder();
        sb.AppendLine("using System.Threading.Tasks;");
        sb.AppendLine("using LuaToolkit;");
        sb.AppendLine($"namespace Synthetic.M{m};");
        sb.AppendLine($"[LuaOptions] public sealed class Opts{m} {{ public string Name {{ get; set; }} = \"\"; public long Count {{ get; set; }} public bool Flag {{ get; set; }} }}");
        sb.AppendLine($"[LuaModule(\"mod{m}\")] public static partial class Module{m}");
        sb.AppendLine("{");
        for (int f = 0; f < FunctionsPerModule; f++)
        {
            string body = (f % 10) switch
            {
                0 => $"public static long F{f}(long a, long b) => a + b + {f};",
                1 => $"public static double F{f}(double x, int n) => x * n;",
                2 => $"public static string F{f}(string s, long n) => s + n;",
                3 => $"public static bool F{f}(bool a, bool b) => a ^ b;",
                4 => $"public static long F{f}(long a, string s, double d) => a + s.Length + (long)d;",
                5 => $"public static void F{f}(string s) {{ }}",
                6 => $"public static string? F{f}(string? s) => s;",
                7 => $"public static string F{f}(Opts{m} o) => o.Name;",
                8 => $"public static ValueTask<long> F{f}(long a) => ValueTask.FromResult(a);",
                _ => $"public static int F{f}(int a, int b, int c, int d) => a + b + c + d;",
            };
            sb.AppendLine($"    [LuaFunction] {body}");
        }
        sb.AppendLine("}");
        return sb.ToString();
    }
}
