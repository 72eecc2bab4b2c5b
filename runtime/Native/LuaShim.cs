using System.Runtime.InteropServices;

namespace LuaToolkit.Native;

/// <summary>
/// The native call shim (<c>Native/shim/luatk_shim.c</c>, compiled at build time): a C function that calls a
/// managed entry point and, only after it has returned, raises its error or waits for its pending operation.
/// Loaded once per process; <see cref="IsAvailable"/> is false when the library was not built or does not load,
/// and hosts then use Lua trampolines.
/// </summary>
internal static unsafe class LuaShim
{
    private const int Abi = 2;   // 2: luatk_slot_bind

    // Must match the order of `api` in luatk_shim.c.
    private static readonly string[] LuaApi =
    [
        "lua_touserdata", "lua_gettop", "lua_settop", "lua_type", "lua_pushvalue", "lua_copy",
        "lua_rotate", "lua_concat", "luaL_where", "lua_error", "lua_callk",
    ];

    /// <summary>The shim's <c>lua_CFunction</c>, or null when unavailable.</summary>
    public static readonly delegate* unmanaged[Cdecl]<nint, int> Call = Load(out LoadError);

    /// <summary>Why the shim is unavailable (null when it loaded).</summary>
    public static readonly string? LoadError;

    public static bool IsAvailable => Call != null;

    /// <summary>The loaded library (0 when unavailable), for the shim's other parts (<see cref="LuaStringAdoption"/>).</summary>
    public static nint Library { get; private set; }

    // Entry point -> its slot function (luatk_slots.c), bound once per process; guarded by itself.
    private static readonly Dictionary<nint, nint> SlotOf = [];

    // luatk_slot_bind, resolved with the library (null when it is unavailable).
    private static delegate* unmanaged[Cdecl]<int, nint, nint> s_bindSlot;

    /// <summary>Whether modules added from now on get slots; tests turn it off to exercise <see cref="Call"/>.</summary>
    internal static bool SlotsEnabled { get; set; } = true;

    /// <summary>
    /// The C function to push for <paramref name="entry"/>: a slot of its own (<c>luatk_slots.c</c>), which finds
    /// the entry point without reading an upvalue, or <see cref="Call"/> when every slot is taken. Both act on
    /// the entry point's signal the same way, with the same upvalues.
    /// </summary>
    public static delegate* unmanaged[Cdecl]<nint, int> FunctionFor(nint entry)
    {
        if (!SlotsEnabled) return Call;
        lock (SlotOf)
        {
            if (!SlotOf.TryGetValue(entry, out nint slot))
            {
                slot = s_bindSlot(SlotOf.Count, entry);   // 0 once the slots run out: never stored, so it stays 0
                if (slot != 0) SlotOf.Add(entry, slot);
            }
            return slot != 0 ? (delegate* unmanaged[Cdecl]<nint, int>)slot : Call;
        }
    }

    private static delegate* unmanaged[Cdecl]<nint, int> Load(out string? error)
    {
        try
        {
            string file = OperatingSystem.IsMacOS() ? "libluatk_shim.dylib" : "libluatk_shim.so";
            string? path = FindNextToAssembly(file);
            if (path is null || !NativeLibrary.TryLoad(path, out nint shim))
            {
                error = $"{file} was not found next to {typeof(LuaShim).Assembly.GetName().Name}.dll";
                return null;
            }
            nint* functions = stackalloc nint[LuaApi.Length + 1];
            ResolveLuaApi(LuaApi, functions);
            functions[LuaApi.Length] = LuaSignal.Sentinel;
            var init = (delegate* unmanaged[Cdecl]<nint*, int, int>)NativeLibrary.GetExport(shim, "luatk_init");
            int abi = init(functions, LuaApi.Length + 1);
            if (abi != Abi)
            {
                error = $"{file} has ABI {abi}, expected {Abi}";
                return null;
            }
            var call = (delegate* unmanaged[Cdecl]<nint, int>)NativeLibrary.GetExport(shim, "luatk_call");
            s_bindSlot = (delegate* unmanaged[Cdecl]<int, nint, nint>)NativeLibrary.GetExport(shim, "luatk_slot_bind");
            error = null;
            Library = shim;
            return call;
        }
        catch (Exception ex)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// Writes the addresses of the lua54 functions <paramref name="names"/> to <paramref name="into"/>, in order:
    /// the table a shim file's init receives (the library has no link-time dependency on lua54).
    /// </summary>
    public static void ResolveLuaApi(string[] names, nint* into)
    {
        nint lua = NativeLibrary.Load("lua54", typeof(LuaShim).Assembly, null);
        for (int i = 0; i < names.Length; i++) into[i] = NativeLibrary.GetExport(lua, names[i]);
    }

    /// <summary>An export of the loaded shim (<see cref="Library"/> must be loaded).</summary>
    public static nint Export(string name) => NativeLibrary.GetExport(Library, name);

    private static string? FindNextToAssembly(string file)
    {
        foreach (string? dir in new[] { Path.GetDirectoryName(typeof(LuaShim).Assembly.Location), AppContext.BaseDirectory })
        {
            if (string.IsNullOrEmpty(dir)) continue;
            string path = Path.Combine(dir, file);
            if (File.Exists(path)) return path;
        }
        return null;
    }
}
