using LuaToolkit;

namespace LuaToolkit.Bench;

/// <summary>The functions under test, bound by the toolkit's source generator.</summary>
[LuaModule("benchmod")]
public static partial class BenchModule
{
    [LuaFunction] public static long Add(long a, long b) => a + b;

    /// <summary>Three arguments, one of them a string.</summary>
    [LuaFunction] public static long Mix(long a, string s, double d) => a + s.Length + (long)d;
}

/// <summary>The same functions as plain C# methods, for NLua's reflection-based binding.</summary>
public sealed class NLuaTarget
{
    public static long Add(long a, long b) => a + b;

    public static long Mix(long a, string s, double d) => a + s.Length + (long)d;
}
