using System.Collections.Generic;
using System.Text;

namespace LuaToolkit.Generators.Parsing;

/// <summary>Lua names: snake_case defaults and validity.</summary>
internal static class LuaNames
{
    private static readonly HashSet<string> Keywords =
    [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
        "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
    ];

    /// <summary><c>HasConnection</c> → <c>has_connection</c>; <c>HTTPRequest</c> → <c>http_request</c>.</summary>
    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool prevLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                bool acronymEnd = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (prevLowerOrDigit || acronymEnd) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>The default Lua name of a method: snake_case, without an <c>Async</c> suffix.</summary>
    public static string ForMethod(string methodName, bool isAsync)
    {
        if (isAsync && methodName.EndsWith("Async") && methodName.Length > 5)
            methodName = methodName.Substring(0, methodName.Length - 5);
        return SnakeCase(methodName);
    }

    /// <summary>An identifier Lua accepts as a field name in <c>t.name</c> form.</summary>
    public static bool IsValidIdentifier(string name)
    {
        if (name.Length == 0 || Keywords.Contains(name)) return false;
        if (!(char.IsLetter(name[0]) && name[0] < 128 || name[0] == '_')) return false;
        foreach (char c in name)
            if (!(c < 128 && (char.IsLetterOrDigit(c) || c == '_'))) return false;
        return true;
    }

    /// <summary>A <c>require</c> name: non-empty printable ASCII without quotes or backslashes.</summary>
    public static bool IsValidModuleName(string name)
    {
        if (name.Length == 0) return false;
        foreach (char c in name)
            if (c <= ' ' || c >= 127 || c == '"' || c == '\\') return false;
        return true;
    }
}
