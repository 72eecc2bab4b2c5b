using System.Runtime.InteropServices;

namespace LuaToolkit.Native;

/// <summary>
/// The managed face of <c>Native/shim/luatk_adopt.c</c>: blocks of native memory that a state takes as a
/// long string's own storage, so large results reach Lua without a copy (<see cref="LuaStringBuffer"/>).
/// <para>
/// A block is <see cref="Header"/> bytes for Lua's string header, the bytes, and one byte for Lua's
/// terminating zero. <see cref="IsAvailable"/> is false when the shim did not load or its probe found a
/// string layout it does not know; blocks are then plain native memory with no header, and pushes copy.
/// Allocation: <see cref="Resize"/> only (any thread; it is Lua's own <c>realloc</c>/<c>free</c>).
/// Errors: <see cref="Push"/> allocates in Lua (a Lua memory error at true out-of-memory only).
/// </para>
/// </summary>
internal static unsafe class LuaStringAdoption
{
    /// <summary>Strings shorter than this are copied: Lua interns short strings, and copying is cheap here.</summary>
    public const int MinimumLength = 1024;

    // Must match the order of `api` in luatk_adopt.c.
    private static readonly string[] LuaApi = ["luaL_newstate", "lua_close", "lua_getallocf", "lua_setallocf", "lua_pushlstring"];

    private static readonly delegate* unmanaged[Cdecl]<void*, nuint, nuint, void*> ResizeBlock;
    private static readonly delegate* unmanaged[Cdecl]<nint, nint> InstallInState;
    private static readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseInstalled;
    private static readonly delegate* unmanaged[Cdecl]<nint, byte*, nuint, int> PushBlock;

    static LuaStringAdoption()
    {
        if (LuaShim.Library == 0 || Environment.GetEnvironmentVariable("LUATOOLKIT_STRING_ADOPTION") == "off") return;
        try
        {
            nint* functions = stackalloc nint[LuaApi.Length];
            LuaShim.ResolveLuaApi(LuaApi, functions);
            nint header = ((delegate* unmanaged[Cdecl]<nint*, int, nint>)LuaShim.Export("luatk_adopt_init"))(functions, LuaApi.Length);
            if (header <= 0) return;
            ResizeBlock = (delegate* unmanaged[Cdecl]<void*, nuint, nuint, void*>)LuaShim.Export("luatk_block_resize");
            InstallInState = (delegate* unmanaged[Cdecl]<nint, nint>)LuaShim.Export("luatk_adopt_install");
            ReleaseInstalled = (delegate* unmanaged[Cdecl]<nint, void>)LuaShim.Export("luatk_adopt_release");
            PushBlock = (delegate* unmanaged[Cdecl]<nint, byte*, nuint, int>)LuaShim.Export("luatk_push_block");
            Header = (int)header;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            Header = 0;   // an older shim: pushes copy
        }
    }

    /// <summary>Whether states can take blocks as strings (else every push copies).</summary>
    public static bool IsAvailable => Header > 0;

    /// <summary>Bytes before a string's first byte in its block (0 when unavailable).</summary>
    public static int Header { get; }

    /// <summary>
    /// Allocates (<paramref name="block"/> null), resizes or frees (<paramref name="size"/> 0) a block; null
    /// when out of memory. Blocks a state may adopt come from Lua's allocator, the rest from the C heap.
    /// </summary>
    public static byte* Resize(byte* block, nuint oldSize, nuint size)
    {
        if (IsAvailable) return (byte*)ResizeBlock(block, oldSize, size);
        if (size == 0)
        {
            NativeMemory.Free(block);
            return null;
        }
        return (byte*)NativeMemory.Realloc(block, size);
    }

    /// <summary>Lets a new state adopt blocks; returns what <see cref="Release"/> frees after <c>lua_close</c> (0: not installed).</summary>
    public static nint Install(nint L) => IsAvailable ? InstallInState(L) : 0;

    public static void Release(nint installed)
    {
        if (installed != 0) ReleaseInstalled(installed);
    }

    /// <summary>
    /// Pushes the <paramref name="length"/> bytes after the block's header as a string. True when Lua took the
    /// block itself (the caller must forget it), false when it copied them (the caller still owns the block).
    /// </summary>
    public static bool Push(nint L, byte* block, int length)
    {
        if (IsAvailable && length >= MinimumLength) return PushBlock(L, block, (nuint)length) != 0;
        LuaNative.lua_pushlstring(L, block + Header, (nuint)length);
        return false;
    }
}
