using LuaToolkit.Generators.Emitting;
using LuaToolkit.Generators.Model;
using LuaToolkit.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LuaToolkit.Generators;

/// <summary>
/// The incremental pipeline: <c>[LuaModule]</c> classes and <c>[LuaOptions]</c> types are found with
/// <c>ForAttributeWithMetadataName</c>, parsed into equatable specs, and emitted. An edit that touches no
/// annotated type leaves every step cached.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class LuaModuleGenerator : IIncrementalGenerator
{
    public const string ModulesStep = "Modules";
    public const string OptionsStep = "Options";
    public const string UnsafeStep = "AllowUnsafe";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var modules = context.SyntaxProvider.ForAttributeWithMetadataName(
                "LuaToolkit.LuaModuleAttribute",
                static (node, _) => node is ClassDeclarationSyntax,
                static (ctx, ct) => ModuleParser.Parse(ctx, ct))
            .WithTrackingName(ModulesStep);

        var options = context.SyntaxProvider.ForAttributeWithMetadataName(
                "LuaToolkit.LuaOptionsAttribute",
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => OptionsParser.Parse(ctx, ct))
            .WithTrackingName(OptionsStep);

        var allowUnsafe = context.CompilationProvider
            .Select(static (c, _) => c.Options is CSharpCompilationOptions { AllowUnsafe: true })
            .WithTrackingName(UnsafeStep);

        context.RegisterSourceOutput(modules.Combine(allowUnsafe), static (spc, pair) =>
        {
            var (module, unsafeAllowed) = pair;
            foreach (var d in module.Diagnostics) spc.ReportDiagnostic(d.ToDiagnostic());
            if (!unsafeAllowed)
            {
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.DiagnosticDescriptors.UnsafeCodeRequired, null, module.ClassName));
                return;
            }
            if (module.Diagnostics.Length > 0) return;
            spc.AddSource(HintName(module.Namespace, module.ClassName) + ".Lua.g.cs", ModuleEmitter.Emit(module));
        });

        context.RegisterSourceOutput(options, static (spc, spec) =>
        {
            foreach (var d in spec.Diagnostics) spc.ReportDiagnostic(d.ToDiagnostic());
            if (spec.Diagnostics.Length > 0) return;
            spc.AddSource(spec.ReaderName + ".g.cs", OptionsEmitter.Emit(spec));
        });
    }

    private static string HintName(string? ns, string name) => ns is null ? name : ns + "." + name;
}
