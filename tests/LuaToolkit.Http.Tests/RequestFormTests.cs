using LuaToolkit.Http.Tests.Infrastructure;
namespace LuaToolkit.Http.Tests;

/// <summary>The call forms of <c>http.request</c>, the module's names, option handling and argument errors.</summary>
public sealed class RequestFormTests : ServerTest
{
    [Fact]
    public void UrlFormReturnsBodyStatusHeadersAndStatusText()
    {
        var r = _lua.Run("""
            local body, status, headers, text = http.request(base .. '/hello')
            return body, status, math.type(status), type(headers), headers['Transfer-Encoding'], text, select('#', http.request(base))
            """, _server.BaseUrl);
        Assert.Equal(["hello", 200L, "integer", "table", "chunked", "OK", 4L], r);
    }

    [Fact]
    public void UrlAndOptionsFormIgnoresOptionsUrl()
    {
        var r = _lua.Run("""
            local body = http.request(base .. '/inspect', { url = 'http://127.0.0.1:1/never', method = 'PUT' })
            return body
            """, _server.BaseUrl);
        Assert.Equal("PUT", RequestInfo.Parse(r[0]).Method);
    }

    [Fact]
    public void NilOrEmptyOptionsAreDefaults()
    {
        var r = _lua.Run("return (http.request(base, nil)), (http.request(base, {}))", _server.BaseUrl);
        Assert.Equal(["hello", "hello"], r);
    }

    [Fact]
    public void OptionsFormUsesItsUrl()
    {
        var r = _lua.Run("return http.request({ url = base .. '/inspect', method = 'DELETE' })", _server.BaseUrl);
        Assert.Equal("DELETE", RequestInfo.Parse(r[0]).Method);
    }

    [Fact]
    public void OptionsFormWithoutUrlRaises()
    {
        string message = _lua.Error("http.request({ method = 'GET' })");
        Assert.EndsWith("Table is missing 'url' option", message);
    }

    [Fact]
    public void MissingArgumentRaisesStandardArgumentError()
    {
        // lauxlib's "no value"; the Lua trampoline fallback can only see nil.
        string missing = _lua.Host.CallPath == LuaCallPath.NativeShim ? "no value" : "nil";
        Assert.EndsWith($"bad argument #1 to 'request' (string expected, got {missing})", _lua.Error("http.request()"));
        Assert.EndsWith("bad argument #1 to 'request' (string expected, got nil)", _lua.Error("http.request(nil)"));
        Assert.EndsWith("bad argument #1 to 'request' (string expected, got boolean)", _lua.Error("http.request(true)"));
    }

    [Fact]
    public void WrongOptionTypeRaisesErrorNamingTheField()
    {
        string message = _lua.Error("http.request(base, { headers = 'x' })", _server.BaseUrl);
        Assert.Contains("bad argument #2 to 'request'", message);
        Assert.Contains("headers", message);
        message = _lua.Error("http.request({ url = base, timeout = 'soon' })", _server.BaseUrl);
        Assert.Contains("timeout", message);
    }

    [Fact]
    public void UnknownOptionWarnsAndTheRequestStillRuns()
    {
        var r = _lua.Run("""
            local a = http.request(base, { colour = 'blue' })
            local b = http.request({ url = base, shape = 'round' })
            return a, b
            """, _server.BaseUrl);
        Assert.Equal(["hello", "hello"], r);
        Assert.Equal(["unrecognized http request option: colour", "unrecognized http request option: shape"], _lua.Warnings);
    }

    [Fact]
    public void PlutoNameAndPlainNameAreTheSameModule()
    {
        var r = _lua.Run("""
            local p = require 'pluto:http'
            return p == http, type(p.request), type(p.hasconnection), type(p.closeconnections)
            """);
        Assert.Equal([true, "function", "function", "function"], r);
    }

    [Fact]
    public void CrOrLfInUrlRaises()
    {
        Assert.EndsWith("URL can't contain CR or LF", _lua.Error("http.request(base .. '/x\\r\\nX-Evil: 1')", _server.BaseUrl));
        Assert.EndsWith("URL can't contain CR or LF", _lua.Error("http.request(base .. '/x\\n')", _server.BaseUrl));
        Assert.EndsWith("URL can't contain CR or LF", _lua.Error("http.request({ url = base .. '\\r' })", _server.BaseUrl));
        Assert.Equal(0, _server.Accepted);
    }

    [Fact]
    public void CrOrLfInHeaderValueRaises()
    {
        Assert.EndsWith("header value can't contain CR or LF",
            _lua.Error("http.request(base, { headers = { ['X-A'] = 'a\\r\\nX-Evil: 1' } })", _server.BaseUrl));
        Assert.EndsWith("header value can't contain CR or LF",
            _lua.Error("http.request(base, { headers = { ['X-A'] = 'a\\n' } })", _server.BaseUrl));
        Assert.Equal(0, _server.Accepted);
    }

    [Fact]
    public void OnlyHttpAndHttpsSchemesAreSupported()
    {
        var r = _lua.Run("return http.request('ftp://127.0.0.1/file')");
        Assert.Equal([null, "Unsupported URL Scheme", "only http and https are supported, got 'ftp'"], r);
        r = _lua.Run("return http.request('not a url')");
        Assert.Equal([null, "Invalid URL", "'not a url' is not an absolute URL"], r);
    }
}
