using System.Collections.Generic;
using System.Linq;
using System.Threading;
using LuaToolkit.Generators.Diagnostics;
using LuaToolkit.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace LuaToolkit.Generators.Parsing;

/// <summary>Turns a <c>[LuaOptions]</c> class or record into an <see cref="OptionsSpec"/>.</summary>
internal static class OptionsParser
{
    public const string OptionAttribute = "LuaToolkit.LuaOptionAttribute";

    public static OptionsSpec Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var type = (INamedTypeSymbol)context.TargetSymbol;
        var location = ((TypeDeclarationSyntax)context.TargetNode).Identifier.GetLocation();
        var diagnostics = new List<DiagnosticInfo>();
        var options = new List<OptionSpec>();

        bool constructible = !type.IsAbstract && !type.IsStatic && type.InstanceConstructors.Any(c =>
            c.Parameters.Length == 0 && c.DeclaredAccessibility is Accessibility.Public or Accessibility.Internal);
        if (!constructible)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusableOptionsType, location,
                type.Name, "has no public parameterless constructor"));

        foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (property.IsStatic || property.IsIndexer || property.DeclaredAccessibility != Accessibility.Public) continue;
            if (property.SetMethod is not { DeclaredAccessibility: Accessibility.Public } setter) continue;
            if (setter.IsInitOnly && !type.IsRecord) continue;
            if (property.IsRequired)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusableOptionsType, location,
                    type.Name, $"has the C# required member '{property.Name}': use [LuaOption(Required = true)] instead"));
                continue;
            }

            var attribute = property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == OptionAttribute);
            string key = attribute?.ConstructorArguments.FirstOrDefault().Value as string ?? LuaNames.SnakeCase(property.Name);
            bool required = attribute?.NamedArguments.FirstOrDefault(a => a.Key == "Required").Value.Value is true;
            var spec = TypeClassifier.ForInput(property.Type, allowInjected: false, allowOptions: false);
            if (spec is null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedOptionType,
                    property.Locations.FirstOrDefault(), property.Name, type.Name, property.Type.ToDisplayString()));
                continue;
            }
            options.Add(new OptionSpec(property.Name, key, spec, required, setter.IsInitOnly));
        }

        if (options.Count == 0 && diagnostics.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusableOptionsType, location,
                type.Name, "has no public settable properties"));

        return new OptionsSpec(
            type.ToDisplayString(TypeClassifier.FullyQualified),
            TypeClassifier.OptionsReaderName(type),
            type.IsRecord,
            options.ToEquatableArray(),
            diagnostics.ToEquatableArray());
    }
}
