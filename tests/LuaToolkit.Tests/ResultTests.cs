namespace LuaToolkit.Tests;

/// <summary>Results, failures, exceptions, options tables, overloads, modules and require.</summary>
public abstract class ResultTests(LuaCallPath path) : IDisposable
{
    private readonly TestHost _t = new(path);

    public void Dispose() => _t.Dispose();

    private static string Strip(string m) => ArgumentTests.Strip(m);

    [Fact]
    public void TuplesBecomeMultipleReturns()
    {
        Assert.Equal(new object?[] { 5L, 6L, "2,3" }, _t.Run("return sink.multi(2, 3)"));
        Assert.Equal(3L, _t.Eval("return select('#', sink.multi(2, 3))"));
        Assert.Equal(0L, _t.Eval("return select('#', sink.nothing())"));
    }

    [Fact]
    public void FailureConventionReturnsNilReasonDetail()
    {
        Assert.Equal(new object?[] { "found", 1L }, _t.Run("return sink.lookup('ok'), select('#', sink.lookup('ok'))"));
        Assert.Equal(new object?[] { null, "Not Found", "no key 'x'", 3L },
            _t.Run("local a, b, c = sink.lookup('x') return a, b, c, select('#', sink.lookup('x'))"));
        Assert.Equal(new object?[] { 1L, "one" }, _t.Run("return sink.lookup_pair(true)"));
        Assert.Equal(new object?[] { null, "Missing", 2L },
            _t.Run("local a, b = sink.lookup_pair(false) return a, b, select('#', sink.lookup_pair(false))"));
    }

    [Fact]
    public void ExceptionsBecomeLuaErrorsWithTheirMessage()
    {
        Assert.Equal("(string):1: kaput", _t.Error("local _ = sink.throws('kaput')"));
        Assert.Equal(new object?[] { false, "x" }, _t.Run("return pcall(sink.throws, 'x')"));
        // The state stays usable afterwards.
        Assert.Equal(3L, _t.Eval("return sink.add(1, 2)"));
    }

    [Fact]
    public void MapsAndListsBecomeTables()
    {
        Assert.Equal(new object?[] { "text/plain", "text/plain", "2", "text/plain", null },
            _t.Run("local h = sink.headers() return h['Content-Type'], h['content-type'], h['x-count'], h['CONTENT-TYPE'], h.missing"));
        Assert.Equal(new object?[] { "1", null }, _t.Run("local m = sink.plain_map() return m.A, m.a"));
        Assert.Equal(new object?[] { 3L, "a", "c" }, _t.Run("local l = sink.split('a,b,c') return #l, l[1], l[3]"));
    }

    [Fact]
    public void OptionsTablesAreTypeCheckedAndWarnOnUnknownKeys()
    {
        Assert.Equal("n|1|nil|False|||nil", _t.Eval("return sink.describe({ name = 'n' })"));
        Assert.Equal("n|3|0.5|True|a=1,b=2|4,5|3",
            _t.Eval("return sink.describe({ name = 'n', count = 3, ratio = 0.5, loud = true, tags = { a = '1', b = 2 }, numbers = { 4, 5 }, raw_bytes = '\\0\\1\\2' })"));
        Assert.Empty(_t.Warnings);

        Assert.Equal("n|1|nil|False|||nil", _t.Eval("return sink.describe({ name = 'n', colour = 'red', [1] = true })"));
        Assert.Equal(["unrecognized sink describe option: colour", "unrecognized sink describe option: 1"], _t.Warnings.Order().Reverse());

        Assert.Equal("bad argument #1 to 'describe' (field 'count': number has no integer representation)",
            Strip(_t.Error("return sink.describe({ name = 'n', count = 1.5 })")));
        Assert.Equal("bad argument #1 to 'describe' (field 'loud': boolean expected, got string)",
            Strip(_t.Error("return sink.describe({ name = 'n', loud = 'yes' })")));
        Assert.Equal("bad argument #1 to 'describe' (missing option 'name')", Strip(_t.Error("return sink.describe({})")));
        Assert.Equal("bad argument #1 to 'describe' (table expected, got string)", Strip(_t.Error("return sink.describe('n')")));
    }

    [Fact]
    public void WarningsFollowWarnControlMessages()
    {
        _t.Run("warn('@off') sink.describe({ name = 'n', quiet = 1 }) warn('@on') warn('a', 'b')");
        Assert.Equal(["ab"], _t.Warnings);
    }

    [Fact]
    public void OverloadsDispatchOnTheTypeOfArgumentOne()
    {
        Assert.Equal("hello bob", _t.Eval("return sink.greet('bob')"));
        Assert.Equal("hi bob!", _t.Eval("return sink.greet('bob', { greeting = 'hi', punctuation = '!' })"));
        Assert.Equal("yo table", _t.Eval("return sink.greet({ greeting = 'yo' })"));
        Assert.Equal("bad argument #1 to 'greet' (string expected, got nil)", Strip(_t.Error("return sink.greet(nil)")));
        Assert.Equal("bad argument #1 to 'greet' (string expected, got boolean)", Strip(_t.Error("return sink.greet(true)")));
        Assert.Equal("bad argument #2 to 'greet' (field 'greeting': string expected, got boolean)",
            Strip(_t.Error("return sink.greet('x', { greeting = false })")));
    }

    [Fact]
    public void AliasesShareOneModuleTable()
    {
        Assert.Equal(true, _t.Eval("return require('sink') == require('test:sink')"));
        Assert.StartsWith("(string):1: module 'nope' not found", _t.Error("require 'nope'"));
    }

    [Fact]
    public void InstanceModulesGetTheirOwnInstanceAndAreDisposed()
    {
        var mine = new Modules.Counter();
        using (var host = new LuaHost())
        {
            host.AddModule(Modules.Counter.LuaBinding, mine);
            Assert.Equal(new object?[] { 1L, 11L }, host.DoString("local c = require 'counter' return c.increment(), c.increment(10)"));
            Assert.Equal(11L, mine.Value);
        }
        Assert.True(mine.Disposed);

        // A second host made its own instance: the first one's count is not seen there.
        Assert.Equal(1L, _t.Eval("return counter.increment()"));
        Assert.Equal(11L, mine.Value);
    }

    [Fact]
    public void SyntaxAndRuntimeErrorsCarryATraceback()
    {
        var ex = Assert.Throws<LuaException>(() => _t.Lua.DoString("local function f() error('deep') end f()", "=script"));
        Assert.Equal("script:1: deep", ex.Message);
        Assert.Contains("stack traceback:", ex.LuaTraceback);
        Assert.Contains("in local 'f'", ex.LuaTraceback);
        Assert.Throws<LuaException>(() => _t.Lua.DoString("return +"));
    }
}

public sealed class ResultTestsOnNativeShim() : ResultTests(LuaCallPath.NativeShim);

public sealed class ResultTestsOnLuaTrampoline() : ResultTests(LuaCallPath.LuaTrampoline);
