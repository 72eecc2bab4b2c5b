using BenchmarkDotNet.Attributes;
using static LuaToolkit.Native.LuaNative;
using KeraLuaState = KeraLua.Lua;
using KeraLuaFunction = KeraLua.LuaFunction;

namespace LuaToolkit.Bench;

/// <summary>
/// Cost of one call from Lua into a function, measured as a Lua loop of <see cref="N"/> calls.
/// Each loop is compiled once as a global Lua function; a benchmark op invokes it once and
/// checks the sum it returns, so results are ns (and bytes) per call.
/// </summary>
[MemoryDiagnoser]
public unsafe class CallOverhead
{
    public const int N = 1_000_000;

    // sum of (i + 1) for i = 1..N
    private const long AddSum = (long)N * (N + 1) / 2 + N;
    // sum of max(i, 1) for i = 1..N
    private const long MaxSum = (long)N * (N + 1) / 2;
    // sum of (i + #"abc" + floor(0.5)) for i = 1..N
    private const long MixSum = (long)N * (N + 1) / 2 + 3L * N;

    private const string Loops = """
        local function ladd(a, b) return a + b end
        local floor = math.floor
        local function lmix(a, s, d) return a + #s + floor(d) end
        function loop_add(n) local f = ADD local s = 0 for i = 1, n do s = s + f(i, 1) end return s end
        function loop_direct(n) local f = direct_add local s = 0 for i = 1, n do s = s + f(i, 1) end return s end
        function loop_max(n) local f = math.max local s = 0 for i = 1, n do s = s + f(i, 1) end return s end
        function loop_ladd(n) local f = ladd local s = 0 for i = 1, n do s = s + f(i, 1) end return s end
        function loop_mix(n) local f = MIX local s = 0 for i = 1, n do s = s + f(i, "abc", 0.5) end return s end
        function loop_mixspan(n) local f = MIXSPAN local s = 0 for i = 1, n do s = s + f(i, "abc", 0.5) end return s end
        function loop_lmix(n) local f = lmix local s = 0 for i = 1, n do s = s + f(i, "abc", 0.5) end return s end
        """;

    private LuaHost _host = null!;
    private LuaHost _trampolineHost = null!;
    private NLua.Lua _nlua = null!;
    private KeraLuaState _kera = null!;
    // Rooted for the life of the state: Lua holds only the function pointer.
    private KeraLuaFunction _keraAdd = null!;
    private KeraLuaFunction _keraMix = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Every loop calls through a local (`local f = m.add`, `local f = math.max`, ...), so all
        // variants pay the same lookup cost and the figure is the call itself.
        _host = NewHost(LuaCallPath.NativeShim);
        _trampolineHost = NewHost(LuaCallPath.LuaTrampoline);
        RegisterDirectAdd(_host.State);

        _nlua = new NLua.Lua();
        _nlua.RegisterFunction("add", typeof(NLuaTarget).GetMethod(nameof(NLuaTarget.Add)));
        _nlua.RegisterFunction("mix", typeof(NLuaTarget).GetMethod(nameof(NLuaTarget.Mix)));
        _nlua.DoString(Loops.Replace("ADD", "add").Replace("MIXSPAN", "mix").Replace("MIX", "mix"));

        _kera = new KeraLuaState();
        _keraAdd = KeraAdd;
        _keraMix = KeraMix;
        _kera.Register("add", _keraAdd);
        _kera.Register("mix", _keraMix);
        if (_kera.DoString(Loops.Replace("ADD", "add").Replace("MIXSPAN", "mix").Replace("MIX", "mix"))) throw new InvalidOperationException(_kera.ToString(-1));

        // One pass of every benchmark before measuring: a wrong answer fails the run here.
        Generated_Add(); Direct_Add(); Trampoline_Add(); NativeC_MathMax(); LuaFunction_Add(); NLua_Add(); KeraLua_Add();
        Generated_Mix(); Generated_MixSpan(); Trampoline_Mix(); LuaFunction_Mix(); NLua_Mix(); KeraLua_Mix();
    }

    /// <summary>
    /// The floor, for reference only: add's managed entry point registered as a plain C function, with nothing
    /// to act on its signal. Unsafe for real use (an argument error would come back as two values instead
    /// of being raised); it shows what the shim itself costs.
    /// </summary>
    private static void RegisterDirectAdd(nint L)
    {
        var entry = (delegate* unmanaged[Cdecl]<nint, int>)BenchModule.LuaBinding.Functions.Single(f => f.Name == "add").Entry;
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
        LuaPush.String(L, "direct_add");
        lua_pushcclosure(L, entry, 0);
        lua_rawset(L, -3);
        lua_settop(L, 0);
    }

    private static LuaHost NewHost(LuaCallPath path)
    {
        var host = new LuaHost(path);
        host.AddModule(BenchModule.LuaBinding);
        host.DoString("m = require 'benchmod'");
        host.DoString(Loops.Replace("ADD", "m.add").Replace("MIXSPAN", "m.mix_span").Replace("MIX", "m.mix"));
        return host;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.Dispose();
        _trampolineHost.Dispose();
        _nlua.Dispose();
        _kera.Dispose();
    }

    // ---- add(a, b) ----

    [Benchmark(OperationsPerInvoke = N, Description = "generated add")]
    public long Generated_Add() => Check(Host("loop_add"), AddSum);

    [Benchmark(OperationsPerInvoke = N, Description = "add entry point alone (no shim: reference only)")]
    public long Direct_Add() => Check(Host("loop_direct"), AddSum);

    [Benchmark(OperationsPerInvoke = N, Description = "generated add, Lua trampoline path")]
    public long Trampoline_Add() => Check(Host("loop_add", _trampolineHost), AddSum);

    [Benchmark(OperationsPerInvoke = N, Baseline = true, Description = "native C math.max")]
    public long NativeC_MathMax() => Check(Host("loop_max"), MaxSum);

    [Benchmark(OperationsPerInvoke = N, Description = "Lua function add")]
    public long LuaFunction_Add() => Check(Host("loop_ladd"), AddSum);

    [Benchmark(OperationsPerInvoke = N, Description = "NLua add")]
    public long NLua_Add() => Check(NLuaRun("loop_add"), AddSum);

    [Benchmark(OperationsPerInvoke = N, Description = "KeraLua delegate add")]
    public long KeraLua_Add() => Check(KeraRun("loop_add"), AddSum);

    // ---- mix(a, s, d) ----

    [Benchmark(OperationsPerInvoke = N, Description = "generated mix")]
    public long Generated_Mix() => Check(Host("loop_mix"), MixSum);

    [Benchmark(OperationsPerInvoke = N, Description = "generated mix, ReadOnlySpan<byte> parameter")]
    public long Generated_MixSpan() => Check(Host("loop_mixspan"), MixSum);

    [Benchmark(OperationsPerInvoke = N, Description = "generated mix, Lua trampoline path")]
    public long Trampoline_Mix() => Check(Host("loop_mix", _trampolineHost), MixSum);

    [Benchmark(OperationsPerInvoke = N, Description = "Lua function mix")]
    public long LuaFunction_Mix() => Check(Host("loop_lmix"), MixSum);

    [Benchmark(OperationsPerInvoke = N, Description = "NLua mix")]
    public long NLua_Mix() => Check(NLuaRun("loop_mix"), MixSum);

    [Benchmark(OperationsPerInvoke = N, Description = "KeraLua delegate mix")]
    public long KeraLua_Mix() => Check(KeraRun("loop_mix"), MixSum);

    // ---- drivers: one tiny chunk per op, negligible against N calls ----

    private object? Host(string loop, LuaHost? host = null) =>
        (host ?? _host).DoString($"return {loop}({N})") is [var r, ..] ? r : null;

    private object? NLuaRun(string loop) => _nlua.DoString($"return {loop}({N})") is [var r, ..] ? r : null;

    private object? KeraRun(string loop)
    {
        if (_kera.DoString($"return {loop}({N})"))
        {
            string error = _kera.ToString(-1);
            _kera.Pop(1);
            throw new InvalidOperationException(error);
        }
        long r = _kera.ToInteger(-1);
        _kera.Pop(1);
        return r;
    }

    private static long Check(object? result, long expected)
    {
        long actual = result switch
        {
            long l => l,
            double d when d == Math.Floor(d) => (long)d,
            _ => throw new InvalidOperationException($"loop returned {result ?? "nil"} ({result?.GetType().Name})"),
        };
        if (actual != expected) throw new InvalidOperationException($"wrong sum: {actual}, expected {expected}");
        return actual;
    }

    // ---- KeraLua as most users write it ----

    private static int KeraAdd(IntPtr L)
    {
        var lua = KeraLuaState.FromIntPtr(L);
        long a = lua.ToInteger(1);
        long b = lua.ToInteger(2);
        lua.PushInteger(a + b);
        return 1;
    }

    private static int KeraMix(IntPtr L)
    {
        var lua = KeraLuaState.FromIntPtr(L);
        long a = lua.ToInteger(1);
        string s = lua.ToString(2);
        double d = lua.ToNumber(3);
        lua.PushInteger(a + s.Length + (long)d);
        return 1;
    }
}
