namespace LuaToolkit.Tests;

/// <summary>Parameters of every kind, read from real Lua calls, with lauxlib's exact error text.</summary>
public abstract class ArgumentTests(LuaCallPath path) : IDisposable
{
    private readonly TestHost _t = new(path);

    public void Dispose() => _t.Dispose();

    // A missing argument: lauxlib says "no value"; a fixed-arity Lua trampoline can only pass nil.
    private string Missing => path == LuaCallPath.NativeShim ? "no value" : "nil";

    [Fact]
    public void IntegersAcceptIntegralFloatsAndNumericStrings()
    {
        Assert.Equal(5L, _t.Eval("return sink.add(2, 3)"));
        Assert.Equal(5L, _t.Eval("return sink.add(2.0, '3')"));
        Assert.Equal(-7L, _t.Eval("return sink.add_int(-10, 3)"));
        Assert.Equal(long.MinValue, _t.Eval("return sink.add(math.mininteger, 0)"));
    }

    [Fact]
    public void IntegerErrorsUseLuaWording()
    {
        Assert.Equal("bad argument #2 to 'add' (number has no integer representation)", Strip(_t.Error("return sink.add(1, 1.5)")));
        Assert.Equal("bad argument #1 to 'add' (number expected, got string)", Strip(_t.Error("return sink.add('x', 1)")));
        Assert.Equal($"bad argument #2 to 'add' (number expected, got {Missing})", Strip(_t.Error("return sink.add(1)")));
        Assert.Equal("bad argument #1 to 'add' (number expected, got table)", Strip(_t.Error("return sink.add({}, 1)")));
        Assert.Equal("bad argument #1 to 'add_int' (value out of range)", Strip(_t.Error("return sink.add_int(2^31, 1)")));
        Assert.Equal("bad argument #1 to 'to_byte' (value out of range)", Strip(_t.Error("return sink.to_byte(256)")));
        Assert.Equal("bad argument #1 to 'big_unsigned' (value out of range)", Strip(_t.Error("return sink.big_unsigned(-1)")));
    }

    [Fact]
    public void ErrorsPointAtTheCallingLine()
    {
        var message = _t.Error("local x = 1\nlocal y = sink.add(x, nil)");
        Assert.Equal("(string):2: bad argument #2 to 'add' (number expected, got nil)", message);
        // A tail call (`return f()`): the shim, like any C function, still names the line; a Lua trampoline,
        // like any Lua function, has no calling line left to name.
        Assert.Equal(
            (path == LuaCallPath.NativeShim ? "(string):1: " : "") + "bad argument #2 to 'add' (number expected, got nil)",
            _t.Error("return sink.add(1, nil)"));
    }

    [Fact]
    public void FloatsBooleansAndStrings()
    {
        Assert.Equal(1.25, _t.Eval("return sink.half(2.5)"));
        Assert.Equal(1.5, _t.Eval("return sink.half('3')"));
        Assert.Equal(0.5, _t.Eval("return sink.single(0.5)"));
        Assert.Equal(false, _t.Eval("return sink.negate(true)"));
        Assert.Equal("bad argument #1 to 'negate' (boolean expected, got number)", Strip(_t.Error("return sink.negate(1)")));
        Assert.Equal("héllo wörld", _t.Eval("return sink.concat('héllo', ' wörld')"));
        Assert.Equal("12", _t.Eval("return sink.concat(1, 2)"));
        Assert.Equal(3L, _t.Eval("return sink.utf8_length('héé')"));
        Assert.Equal("bad argument #2 to 'concat' (string expected, got boolean)", Strip(_t.Error("return sink.concat('a', false)")));
        Assert.Equal($"bad argument #1 to 'half' (number expected, got {Missing})", Strip(_t.Error("return sink.half()")));
    }

    [Fact]
    public void ByteSpansSeeTheLuaStringItself()
    {
        // A number is read as its string form, as luaL_checklstring does: 1 is "1" (49).
        Assert.Equal(new object?[] { 256L, 0L, 51L, 7L }, _t.Run("return sink.byte_sum('\\0\\1\\255'), sink.byte_sum(''), sink.byte_sum(111 // 100, '\\2'), sink.byte_sum('\\3', '\\4')"));
        Assert.Equal(new object?[] { 4L, true }, _t.Run("local m = sink.png_magic() return #m, m == '\\x89PNG'"));
        Assert.Equal("bad argument #1 to 'byte_sum' (string expected, got table)", Strip(_t.Error("return sink.byte_sum({})")));
        Assert.Equal("bad argument #2 to 'byte_sum' (string expected, got boolean)", Strip(_t.Error("return sink.byte_sum('a', true)")));
    }

    [Fact]
    public void OptionalAndDefaultedArguments()
    {
        Assert.Equal("none!", _t.Eval("return sink.optional()"));
        Assert.Equal("4!", _t.Eval("return sink.optional(4)"));
        Assert.Equal("none?", _t.Eval("return sink.optional(nil, '?')"));
        Assert.Equal("bad argument #1 to 'optional' (number expected, got string)", Strip(_t.Error("return sink.optional('x')")));
    }

    [Fact]
    public void BinaryStringsRoundTripAllByteValues()
    {
        var result = _t.Run("""
            local all = {}
            for i = 0, 255 do all[#all + 1] = string.char(i) end
            all = table.concat(all)
            local reversed = sink.reverse(all)
            local echoed = sink.echo(all)
            return #reversed, reversed == all:reverse(), echoed == all, #sink.echo('')
            """);
        Assert.Equal(new object?[] { 256L, true, true, 0L }, result);
    }

    [Fact]
    public void TablesBecomeDictionariesAndLists()
    {
        Assert.Equal("a=1;b=x", _t.Eval("return sink.join_table({ a = 1, b = 'x' })"));
        Assert.Equal(10L, _t.Eval("return sink.sum_list({ 1, 2, 3, 4 })"));
        Assert.Equal(2L, _t.Eval("return sink.count_strings({ 'a', 'b' })"));
        Assert.Equal("bad argument #1 to 'join_table' (string keys expected, got number key)",
            Strip(_t.Error("return sink.join_table({ 'x' })")));
        Assert.Equal("bad argument #1 to 'join_table' (field 'a': string expected, got table)",
            Strip(_t.Error("return sink.join_table({ a = {} })")));
        Assert.Equal("bad argument #1 to 'sum_list' (element 2: number has no integer representation)",
            Strip(_t.Error("return sink.sum_list({ 1, 2.5 })")));
        Assert.Equal("bad argument #1 to 'sum_list' (table expected, got string)", Strip(_t.Error("return sink.sum_list('x')")));
    }

    [Fact]
    public void MetamethodsAreNotRunByManagedReads()
    {
        // A proxy table is read raw: its __index is never called from managed code.
        Assert.Equal(0L, _t.Eval("""
            local proxy = setmetatable({}, { __index = function() error('boom') end, __len = function() error('boom') end })
            return sink.sum_list(proxy)
            """));
    }

    [Fact]
    public void InjectedParametersTakeNoLuaArgument()
    {
        Assert.Equal(true, _t.Eval("return sink.has_host()"));
        Assert.Equal(false, _t.Eval("return sink.can_yield()"));
        Assert.Equal(true, _t.Eval("return coroutine.wrap(function() return sink.can_yield() end)()"));
    }

    internal static string Strip(string message) =>
        message.Substring(message.IndexOf("bad argument", StringComparison.Ordinal) is var i and >= 0 ? i : 0);
}

public sealed class ArgumentTestsOnNativeShim() : ArgumentTests(LuaCallPath.NativeShim);

public sealed class ArgumentTestsOnLuaTrampoline() : ArgumentTests(LuaCallPath.LuaTrampoline);
