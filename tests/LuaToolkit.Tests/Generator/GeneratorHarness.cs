using System.Collections.Immutable;
using LuaToolkit.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LuaToolkit.Tests.Generator;

/// <summary>Runs the real generator over source text, as the compiler does, with step tracking on.</summary>
internal static class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)),
        MetadataReference.CreateFromFile(typeof(LuaHost).Assembly.Location),
    ];

    public static CSharpCompilation Compile(bool allowUnsafe = true, params string[] sources) =>
        CSharpCompilation.Create(
            "Probe",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, CSharpParseOptions.Default, $"File{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: allowUnsafe,
                nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new LuaModuleGenerator().AsSourceGenerator()],
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Generates, then compiles the result: returns the generator's diagnostics, the generated
    /// files and the diagnostics of compiling everything together.</summary>
    public static Result Run(string source, bool allowUnsafe = true)
    {
        var compilation = Compile(allowUnsafe, source);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var run = driver.GetRunResult();
        return new Result(
            generatorDiagnostics,
            run.GeneratedTrees.ToDictionary(t => Path.GetFileName(t.FilePath), t => t.GetText().ToString()),
            output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray(),
            source);
    }

    public sealed record Result(
        ImmutableArray<Diagnostic> GeneratorDiagnostics,
        Dictionary<string, string> Files,
        ImmutableArray<Diagnostic> CompileErrors,
        string Source)
    {
        /// <summary>The single generator diagnostic, with the source text it points at.</summary>
        public (string Id, string At, int Line) Single()
        {
            var d = Assert.Single(GeneratorDiagnostics);
            var span = d.Location.SourceSpan;
            return (d.Id, Source.Substring(span.Start, span.Length), d.Location.GetLineSpan().StartLinePosition.Line + 1);
        }
    }
}
