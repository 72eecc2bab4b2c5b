using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using LuaToolkit.Native;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

// The host's plumbing: installing the runtime's Lua half, protected loading and calling, results.
public sealed unsafe partial class LuaHost
{
    private const string MessageHandlerSource = """
        local traceback, tostring, type = debug.traceback, tostring, type
        return function(m)
          if type(m) ~= "string" then m = tostring(m) end
          return traceback(m, 2)
        end
        """;

    // Registers one lazily built module under every name it is required by, so all aliases share it.
    private const string RegisterSource = """
        local preload, select, type = package.preload, select, type
        return function(loader, ...)
          if type(loader) ~= "function" then
            local value = loader
            loader = function() return value end
          end
          local M
          local function load(...)
            if M == nil then M = loader(...) end
            return M
          end
          for i = 1, select("#", ...) do preload[(select(i, ...))] = load end
        end
        """;

    // Case-insensitive lookups for string-keyed tables built from case-insensitive dictionaries.
    private const string CaseInsensitiveSource = """
        local lower, next, type = string.lower, next, type
        return { __index = function(t, k)
          if type(k) ~= "string" then return nil end
          local lk = lower(k)
          for key, v in next, t do
            if type(key) == "string" and lower(key) == lk then return v end
          end
        end }
        """;

    private void InstallRuntime()
    {
        nint L = _state;
        StoreResultOf(L, MessageHandlerSource, "=message handler", MessageHandlerKey);
        StoreResultOf(L, RegisterSource, "=register", RegisterKey);
        StoreResultOf(L, CaseInsensitiveSource, "=case-insensitive", CaseInsensitiveKey);

        LoadOrThrow(L, ReadResource("driver.lua"), "=toolkit.driver");
        lua_pushlightuserdata(L, LuaSignal.Sentinel);
        lua_pushcclosure(L, &DriverEntryPoints.Poll, 0);
        lua_pushcclosure(L, &DriverEntryPoints.Block, 0);
        lua_pushcclosure(L, &DriverEntryPoints.Collect, 0);
        lua_pushcclosure(L, &DriverEntryPoints.Forget, 0);
        lua_pushcclosure(L, &DriverEntryPoints.Epoch, 0);
        lua_pushcclosure(L, &DriverEntryPoints.Sleep, 0);
        lua_pushcclosure(L, &DriverEntryPoints.Report, 0);
        CallOrThrow(L, 8, 4, 0);
        // stack: signal, tail, wait, driver
        PushRegistry(L, RegisterKey);
        lua_rotate(L, -2, 1);
        PushNames(L, "toolkit.driver", []);
        CallOrThrow(L, 2, 0, 0);
        SetRegistry(L, WaitKey);
        SetRegistry(L, TailKey);
        SetRegistry(L, SignalKey);
        lua_settop(L, 0);
    }

    private static LuaCallPath DefaultCallPath() =>
        LuaShim.IsAvailable && !string.Equals(Environment.GetEnvironmentVariable("LUATOOLKIT_CALL_PATH"), "lua", StringComparison.OrdinalIgnoreCase)
            ? LuaCallPath.NativeShim
            : LuaCallPath.LuaTrampoline;

    private static bool DefaultEventLoop() =>
        LuaEventLoop.IsSupported && !string.Equals(Environment.GetEnvironmentVariable("LUATOOLKIT_EVENT_LOOP"), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>Pushes the module table: one shim closure per function (its slot, see <see cref="LuaShim.FunctionFor"/>), upvalues (instance, entry, wait).</summary>
    private static void PushShimModule(nint L, LuaModuleBinding module, nint instanceHandle)
    {
        lua_createtable(L, 0, module.Functions.Length);
        foreach (var f in module.Functions)
        {
            LuaPush.String(L, f.Name);
            lua_pushlightuserdata(L, instanceHandle);
            lua_pushlightuserdata(L, f.Entry);
            PushRegistry(L, WaitKey);
            lua_pushcclosure(L, LuaShim.FunctionFor(f.Entry), 3);
            lua_rawset(L, -3);
        }
    }

    /// <summary>Pushes the module table built by the module's Lua trampoline chunk.</summary>
    private static void PushTrampolineModule(nint L, LuaModuleBinding module, nint instanceHandle, int top)
    {
        LoadOrThrow(L, LuaTrampolines.ModuleChunk(module), $"={module.Name} trampolines");
        lua_pushlightuserdata(L, LuaSignal.Sentinel);
        PushRegistry(L, SignalKey);
        PushRegistry(L, TailKey);
        lua_createtable(L, module.Functions.Length, 0);
        for (int i = 0; i < module.Functions.Length; i++)
        {
            var entry = (delegate* unmanaged[Cdecl]<nint, int>)module.Functions[i].Entry;
            if (instanceHandle != 0)
            {
                lua_pushlightuserdata(L, instanceHandle);
                lua_pushcclosure(L, entry, 1);
            }
            else
            {
                lua_pushcclosure(L, entry, 0);
            }
            lua_rawseti(L, -2, i + 1);
        }
        CallOrThrow(L, 4, 1, top);
    }

    internal static string ReadResource(string name)
    {
        using var stream = typeof(LuaHost).Assembly.GetManifestResourceStream("LuaToolkit." + name)
            ?? throw new InvalidOperationException($"missing resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static void StoreResultOf(nint L, string source, string name, nint key)
    {
        LoadOrThrow(L, source, name);
        CallOrThrow(L, 0, 1, lua_gettop(L) - 1);
        SetRegistry(L, key);
    }

    private static void PushRegistry(nint L, nint key)
    {
        lua_pushlightuserdata(L, key);
        lua_rawget(L, LUA_REGISTRYINDEX);
    }

    /// <summary>Pops the top value into the registry under <paramref name="key"/>.</summary>
    private static void SetRegistry(nint L, nint key)
    {
        lua_pushlightuserdata(L, key);
        lua_rotate(L, -2, 1);
        lua_rawset(L, LUA_REGISTRYINDEX);
    }

    private static void PushNames(nint L, string name, string[] aliases)
    {
        LuaPush.String(L, name);
        foreach (var alias in aliases) LuaPush.String(L, alias);
    }

    private static void LoadOrThrow(nint L, string source, string chunkName) =>
        LoadOrThrow(L, Encoding.UTF8.GetBytes(source), chunkName);

    private static void LoadOrThrow(nint L, byte[] source, string chunkName)
    {
        byte[] name = Encoding.UTF8.GetBytes(chunkName + "\0");
        int status;
        fixed (byte* s = source)
        fixed (byte* n = name)
        {
            status = luaL_loadbufferx(L, s, (nuint)source.Length, n, null);
        }
        if (status != LUA_OK)
        {
            LuaArg.String(L, -1, out string message);
            lua_pop(L, 1);
            throw new LuaException(message, null);
        }
    }

    /// <summary>Calls the function below <paramref name="nargs"/> arguments in protected mode; on error
    /// restores the stack to <paramref name="restoreTop"/> and throws.</summary>
    private static void CallOrThrow(nint L, int nargs, int nresults, int restoreTop)
    {
        if (lua_pcallk(L, nargs, nresults, 0, 0, 0) != LUA_OK)
        {
            LuaArg.String(L, -1, out string message);
            lua_settop(L, restoreTop);
            throw new LuaException(message, null);
        }
    }

    private object?[] Run(byte[] chunk, string chunkName)
    {
        nint L = State;
        int top = lua_gettop(L);
        PushRegistry(L, MessageHandlerKey);
        int handler = top + 1;
        try
        {
            LoadOrThrow(L, chunk, chunkName);
        }
        catch
        {
            lua_settop(L, top);
            throw;
        }
        if (lua_pcallk(L, 0, LUA_MULTRET, handler, 0, 0) != LUA_OK)
        {
            LuaArg.String(L, -1, out string traced);
            lua_settop(L, top);
            int cut = traced.IndexOf("\nstack traceback:", StringComparison.Ordinal);
            throw new LuaException(cut >= 0 ? traced[..cut] : traced, traced);
        }
        int count = lua_gettop(L) - handler;
        var results = new object?[count];
        for (int i = 0; i < count; i++) results[i] = ToClr(L, handler + 1 + i);
        lua_settop(L, top);
        return results;
    }

    /// <summary>nil, booleans, integers (long), floats (double) and strings (UTF-8) convert; other values
    /// become their type name in angle brackets.</summary>
    private static object? ToClr(nint L, int idx)
    {
        switch (lua_type(L, idx))
        {
            case LUA_TNIL: return null;
            case LUA_TBOOLEAN: return lua_toboolean(L, idx) != 0;
            case LUA_TNUMBER:
                int ok;
                if (lua_isinteger(L, idx) != 0) return lua_tointegerx(L, idx, &ok);
                return lua_tonumberx(L, idx, &ok);
            case LUA_TSTRING:
                LuaArg.String(L, idx, out string s);
                return s;
            default:
                return "<" + LuaTypeNames.Of(L, idx) + ">";
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnWarning(nint ud, byte* message, int toContinue)
    {
        try
        {
            var host = (LuaHost)GCHandle.FromIntPtr(ud).Target!;
            string piece = Marshal.PtrToStringUTF8((nint)message) ?? "";
            if (host._warning.Length == 0 && toContinue == 0 && piece.StartsWith('@'))
            {
                if (piece == "@on") host._warningsOn = true;
                else if (piece == "@off") host._warningsOn = false;
                return;
            }
            host._warning.Append(piece);
            if (toContinue != 0) return;
            string full = host._warning.ToString();
            host._warning.Clear();
            host.Warn(full);
        }
        catch
        {
            // A warning handler's failure must not reach native code.
        }
    }
}
