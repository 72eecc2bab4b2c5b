using LuaToolkit;

namespace LuaToolkit.Tests.Modules;

/// <summary>Options with every kind of field, for the options-table tests.</summary>
[LuaOptions]
public sealed class SinkOptions
{
    [LuaOption(Required = true)]
    public string Name { get; set; } = "";

    public int Count { get; set; } = 1;

    public double? Ratio { get; set; }

    public bool Loud { get; set; }

    public Dictionary<string, string> Tags { get; set; } = [];

    public List<long> Numbers { get; set; } = [];

    [LuaOption("raw_bytes")]
    public byte[]? Payload { get; set; }
}

/// <summary>An options record set through init accessors.</summary>
[LuaOptions]
public sealed record GreetOptions
{
    public string Greeting { get; init; } = "hello";

    public string? Punctuation { get; init; }
}

/// <summary>A static module with every supported parameter and return kind.</summary>
[LuaModule("sink", Aliases = ["test:sink"])]
public static partial class KitchenSink
{
    [LuaFunction] public static long Add(long a, long b) => a + b;

    [LuaFunction] public static int AddInt(int a, int b) => a + b;

    [LuaFunction] public static byte ToByte(byte b) => b;

    [LuaFunction] public static ulong BigUnsigned(ulong x) => x;

    [LuaFunction] public static double Half(double x) => x / 2;

    [LuaFunction] public static float Single(float x) => x;

    [LuaFunction] public static bool Negate(bool b) => !b;

    [LuaFunction] public static string Concat(string a, string b) => a + b;

    [LuaFunction] public static int Utf8Length(string s) => s.Length;

    [LuaFunction] public static byte[] Reverse(byte[] data) => data.Reverse().ToArray();

    [LuaFunction] public static ReadOnlyMemory<byte> Echo(ReadOnlyMemory<byte> data) => data;

    /// <summary>Reads the Lua string's own bytes (no copy) and returns a span of static data.</summary>
    [LuaFunction] public static long ByteSum(ReadOnlySpan<byte> data, ReadOnlySpan<byte> extra = default)
    {
        long sum = 0;
        foreach (byte b in data) sum += b;
        foreach (byte b in extra) sum += b;
        return sum;
    }

    [LuaFunction] public static ReadOnlySpan<byte> PngMagic() => [0x89, (byte)'P', (byte)'N', (byte)'G'];

    /// <summary>n bytes, byte i = i mod 251, built in a <see cref="LuaStringBuffer"/>.</summary>
    [LuaFunction] public static LuaStringBuffer Pattern(int n)
    {
        var buffer = new LuaStringBuffer();
        for (int i = 0; i < n;)
        {
            var span = buffer.GetSpan(Math.Min(n - i, 4096));
            int count = Math.Min(span.Length, n - i);
            for (int j = 0; j < count; j++) span[j] = (byte)((i + j) % 251);
            buffer.Advance(count);
            i += count;
        }
        return buffer;
    }

    [LuaFunction] public static (long Before, LuaStringBuffer Bytes, long After) PatternBetween(int n) => (1, Pattern(n), 2);

    [LuaFunction] public static string Optional(long? n, string suffix = "!") => (n?.ToString() ?? "none") + suffix;

    [LuaFunction] public static void Nothing() { }

    [LuaFunction] public static (long Min, long Max) MinMax(long a, long b) => (Math.Min(a, b), Math.Max(a, b));

    [LuaFunction] public static (long Sum, long Product, string Text) Multi(long a, long b) => (a + b, a * b, $"{a},{b}");

    [LuaFunction] public static string JoinTable(IReadOnlyDictionary<string, string> map) =>
        string.Join(";", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));

    [LuaFunction] public static long SumList(IReadOnlyList<long> values) => values.Sum();

    [LuaFunction] public static int CountStrings(List<string> values) => values.Count;

    [LuaFunction] public static IReadOnlyList<string> Split(string s) => s.Split(',');

    [LuaFunction] public static Dictionary<string, string> Headers() =>
        new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "text/plain", ["X-Count"] = "2" };

    [LuaFunction] public static IReadOnlyDictionary<string, string> PlainMap() => new Dictionary<string, string> { ["A"] = "1" };

    [LuaFunction] public static string Describe(SinkOptions options) =>
        $"{options.Name}|{options.Count}|{options.Ratio?.ToString() ?? "nil"}|{options.Loud}|" +
        $"{string.Join(",", options.Tags.OrderBy(t => t.Key).Select(t => t.Key + "=" + t.Value))}|" +
        $"{string.Join(",", options.Numbers)}|{options.Payload?.Length.ToString() ?? "nil"}";

    [LuaFunction("greet")] public static string Greet(string name, GreetOptions? options = null) =>
        $"{options?.Greeting ?? "hello"} {name}{options?.Punctuation ?? ""}";

    [LuaFunction("greet")] public static string Greet(GreetOptions options) => $"{options.Greeting} table";

    [LuaFunction] public static LuaResult<string> Lookup(string key) =>
        key == "ok" ? "found" : LuaFailure.Of("Not Found", $"no key '{key}'");

    [LuaFunction] public static LuaResult<(long, string)> LookupPair(bool ok) =>
        ok ? (1L, "one") : LuaFailure.Of("Missing");

    [LuaFunction] public static string Throws(string message) => throw new InvalidOperationException(message);

    [LuaFunction] public static bool HasHost(LuaHost host, CancellationToken token) => host is not null && token.CanBeCanceled;

    [LuaFunction] public static bool CanYield(LuaCaller caller) => caller.IsYieldable;
}
