using System;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LuaToolkit.Generators.Parsing;

/// <summary>C# source for a parameter's default value.</summary>
internal static class Literals
{
    public static string Format(object? value, ITypeSymbol type)
    {
        string typeName = type.ToDisplayString(TypeClassifier.FullyQualified);
        return value switch
        {
            null => "default",
            string s => SymbolDisplay.FormatLiteral(s, quote: true),
            bool b => b ? "true" : "false",
            double d => FormatDouble(d),
            float f => FormatDouble(f) + "f",
            IFormattable n => $"({typeName.TrimEnd('?')}){n.ToString(null, CultureInfo.InvariantCulture)}",
            _ => "default",
        };
    }

    private static string FormatDouble(double d) =>
        double.IsNaN(d) ? "double.NaN"
        : double.IsPositiveInfinity(d) ? "double.PositiveInfinity"
        : double.IsNegativeInfinity(d) ? "double.NegativeInfinity"
        : d.ToString("R", CultureInfo.InvariantCulture) + (Math.Floor(d) == d && !d.ToString("R", CultureInfo.InvariantCulture).Contains("E") ? ".0" : "");
}
