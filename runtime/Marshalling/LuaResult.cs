using static LuaToolkit.Native.LuaNative;

namespace LuaToolkit;

/// <summary>
/// The <c>nil, reason</c> failure convention. A function returning <see cref="LuaResult{T}"/> returns the
/// value's results on success, and <c>nil, reason[, detail]</c> on failure: an expected failure that a script
/// handles, as opposed to an exception, which becomes a Lua error.
/// </summary>
public readonly struct LuaResult<T>
{
    private LuaResult(T value, string? reason, string? detail)
    {
        Value = value;
        FailureReason = reason;
        FailureDetail = detail;
    }

    public T Value { get; }

    /// <summary>The short reason returned second on failure; <c>null</c> on success.</summary>
    public string? FailureReason { get; }

    /// <summary>An optional third value with the detail of the failure.</summary>
    public string? FailureDetail { get; }

    public bool IsSuccess => FailureReason is null;

    public static implicit operator LuaResult<T>(T value) => new(value, null, null);

    public static implicit operator LuaResult<T>(LuaFailure failure) => new(default!, failure.Reason, failure.Detail);

    /// <summary>Pushes the results: the value through <paramref name="push"/>, or <c>nil, reason[, detail]</c>.</summary>
    public unsafe int Push(nint L, delegate*<nint, T, int> push)
    {
        if (FailureReason is null) return push(L, Value);
        lua_pushnil(L);
        LuaPush.String(L, FailureReason);
        if (FailureDetail is null) return 2;
        LuaPush.String(L, FailureDetail);
        return 3;
    }
}

/// <summary>A failure on its way into a <see cref="LuaResult{T}"/>: <c>return LuaFailure.Of("Request Timed Out")</c>.</summary>
public readonly record struct LuaFailure(string Reason, string? Detail = null)
{
    public static LuaFailure Of(string reason, string? detail = null) => new(reason, detail);
}
