using Microsoft.AspNetCore.Http;
using LuaToolkit.Http.Tests.Infrastructure;
namespace LuaToolkit.Http.Tests;

/// <summary>What goes out on the wire: method, body and Content-Length, default and user headers.</summary>
public abstract class RequestSemanticsTests(RequestMode mode) : ServerTest(mode)
{
    private RequestInfo Inspect(string options) =>
        RequestInfo.Parse(_lua.Run($"return http.request(base .. '/inspect', {options})", _server.BaseUrl)[0]);

    [Fact]
    public void DefaultIsGetWithoutBodyOrContentLength()
    {
        var info = RequestInfo.Parse(_lua.Run("return http.request(base .. '/inspect')", _server.BaseUrl)[0]);
        Assert.Equal("GET", info.Method);
        Assert.Null(info.ContentLength);
        Assert.Null(info.Header("Transfer-Encoding"));
        Assert.Equal(0, info.BodyLength);
    }

    [Fact]
    public void BodyTurnsDefaultGetIntoPostWithContentLength()
    {
        var info = Inspect("{ body = 'hello there' }");
        Assert.Equal(("POST", "11", "hello there"), (info.Method, info.ContentLength, info.Body));
    }

    [Fact]
    public void BodyTurnsExplicitGetIntoPost()
    {
        var info = Inspect("{ method = 'GET', body = 'x' }");
        Assert.Equal(("POST", "1", "x"), (info.Method, info.ContentLength, info.Body));
    }

    [Fact]
    public void BodyKeepsOtherMethods()
    {
        var info = Inspect("{ method = 'PUT', body = 'abc' }");
        Assert.Equal(("PUT", "3", "abc"), (info.Method, info.ContentLength, info.Body));
    }

    [Fact]
    public void EmptyBodyStillSetsContentLength()
    {
        var info = Inspect("{ body = '' }");
        Assert.Equal(("POST", "0"), (info.Method, info.ContentLength));
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("PATCH")]
    [InlineData("OPTIONS")]
    [InlineData("PURGE")]
    [InlineData("purge")]
    public void NonGetWithoutBodySendsContentLengthZero(string method)
    {
        var info = Inspect($"{{ method = '{method}' }}");
        Assert.Equal((method, "0", 0), (info.Method, info.ContentLength, info.BodyLength));
    }

    [Fact]
    public void DefaultHeadersNameTheProjectAndAcceptCompression()
    {
        var info = Inspect("{}");
        Assert.Equal("LuaToolkit-http/1.0", info.Header("User-Agent"));
        Assert.Equal("deflate, gzip, br", info.Header("Accept-Encoding"));
        Assert.Equal($"127.0.0.1:{_server.Port}", info.Header("Host"));
    }

    [Fact]
    public void UserHeadersReplaceDefaultsCaseInsensitively()
    {
        var info = Inspect("{ headers = { ['user-agent'] = 'mine/2', ['ACCEPT-ENCODING'] = 'identity' } }");
        Assert.Equal("mine/2", info.Header("User-Agent"));
        Assert.Equal("identity", info.Header("Accept-Encoding"));
    }

    [Fact]
    public void UserHeadersAreAddedWithTheirValues()
    {
        var info = Inspect("""
            { method = 'POST', body = '{}', headers = {
                ['X-Custom'] = 'one two', ['Content-Type'] = 'application/json', ['X-Number'] = 42,
                ['X-Utf8'] = 'h\u{e9}llo' } }
            """);
        Assert.Equal("one two", info.Header("X-Custom"));
        Assert.Equal("application/json", info.Header("Content-Type"));
        Assert.Equal("42", info.Header("X-Number"));
        Assert.Equal("h\u00e9llo", info.Header("X-Utf8"));
        Assert.Equal("2", info.ContentLength);
    }

    [Fact]
    public void BodyDecidesContentLengthOverAUserValue()
    {
        var info = Inspect("{ body = 'abcd', headers = { ['Content-Length'] = '99' } }");
        Assert.Equal(("4", "abcd"), (info.ContentLength, info.Body));
    }

    [Fact]
    public void InvalidMethodRaises()
    {
        string message = _lua.Error("http.request(base, { method = 'GE T' })", _server.BaseUrl);
        Assert.EndsWith("invalid HTTP method 'GE T'", message);
    }

    [Fact]
    public void NonPositiveTimeoutRaises()
    {
        string message = _lua.Error("http.request(base, { timeout = 0 })", _server.BaseUrl);
        Assert.EndsWith("bad 'timeout' option: a positive number of seconds expected", message);
    }

    [Fact]
    public void HugeTimeoutMeansNoLimit()
    {
        var r = _lua.Run("return http.request(base, { timeout = math.huge })", _server.BaseUrl);
        Assert.Equal("hello", r[0]);
    }

    [Fact]
    public void EachOfManyUrlsReachesItsOwnTargetEveryTime()
    {
        // More distinct URLs than the module keeps parsed, twice over, with a bad URL among them each time:
        // every request goes where its own URL says, and the bad one fails every time.
        for (int i = 1; i <= 150; i++)
        {
            string name = "p" + i;
            _server.Map("/" + name, context => context.Response.WriteAsync(name));
        }
        var r = _lua.Run("""
            local wrong = {}
            for round = 1, 2 do
              for i = 1, 150 do
                local body = http.request(base .. '/p' .. i)
                if body ~= 'p' .. i then wrong[#wrong + 1] = i .. ':' .. tostring(body) end
              end
              local ok, reason = http.request('not a url')
              if ok ~= nil or reason ~= 'Invalid URL' then wrong[#wrong + 1] = 'bad url: ' .. tostring(reason) end
            end
            return table.concat(wrong, ' ')
            """, _server.BaseUrl);
        Assert.Equal("", r[0]);
    }
}

public sealed class RequestSemanticsTestsBlocking() : RequestSemanticsTests(RequestMode.Blocking);

public sealed class RequestSemanticsTestsInCoroutine() : RequestSemanticsTests(RequestMode.Coroutine);
