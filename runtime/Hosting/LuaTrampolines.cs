using System.Text;

namespace LuaToolkit;

/// <summary>
/// Writes the Lua chunk that wraps a module's managed entry points. The trampolines are where errors are
/// raised and yields happen, so no Lua <c>longjmp</c> ever crosses a managed frame. One factory per
/// distinct shape (arity, results) keeps the chunk small whatever the number of functions.
/// </summary>
internal static class LuaTrampolines
{
    /// <summary>
    /// The chunk takes <c>SIGNAL, signal, tail, raw</c> (raw: array of the C closures, in function order)
    /// and returns the module table.
    /// </summary>
    public static string ModuleChunk(LuaModuleBinding module)
    {
        var sb = new StringBuilder();
        sb.Append("-- Lua trampolines of module '").Append(module.Name).Append("'\n");
        sb.Append("local SIGNAL, signal, tail, raw = ...\n");
        var shapes = new HashSet<(int, int)>();
        foreach (var f in module.Functions)
            if (shapes.Add((f.Arity, f.Results))) AppendFactory(sb, f.Arity, f.Results);
        sb.Append("local M = {}\n");
        for (int i = 0; i < module.Functions.Length; i++)
        {
            var f = module.Functions[i];
            sb.Append("M[\"").Append(f.Name).Append("\"] = ").Append(FactoryName(f.Arity, f.Results))
              .Append("(raw[").Append(i + 1).Append("])\n");
        }
        sb.Append("return M\n");
        return sb.ToString();
    }

    private static string FactoryName(int arity, int results) =>
        results < 0 ? $"shape_{arity}_n" : $"shape_{arity}_{results}";

    private static void AppendFactory(StringBuilder sb, int arity, int results)
    {
        string args = string.Join(", ", Enumerable.Range(1, arity).Select(i => "a" + i));
        sb.Append("local function ").Append(FactoryName(arity, results)).Append("(f)\n");
        sb.Append("  return function(").Append(args).Append(")\n");
        if (results < 0)
        {
            // Variable result count: pass everything through `tail`, which handles the sentinel.
            sb.Append("    return tail(f(").Append(args).Append("))\n");
        }
        else
        {
            // Fixed result count: locals and one comparison, no varargs.
            int locals = Math.Max(results, 2);
            string rs = string.Join(", ", Enumerable.Range(1, locals).Select(i => "r" + i));
            sb.Append("    local ").Append(rs).Append(" = f(").Append(args).Append(")\n");
            sb.Append("    if r1 == SIGNAL then return signal(r2) end\n");
            if (results > 0)
                sb.Append("    return ").Append(string.Join(", ", Enumerable.Range(1, results).Select(i => "r" + i))).Append('\n');
        }
        sb.Append("  end\nend\n");
    }
}
