using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>How entry points of instance modules find their instance: upvalue 1 of the C closure holds
/// a <see cref="GCHandle"/> the host allocated, so the lookup allocates nothing.</summary>
public static class LuaModuleInstance
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Get<T>(nint L) where T : class =>
        Unsafe.As<T>(GCHandle.FromIntPtr(lua_touserdata(L, UpvalueIndex(1))).Target)!;
}
