using LuaToolkit.Http.Tests.Infrastructure;
namespace LuaToolkit.Http.Tests;

/// <summary>Keep-alive, dont_reuse, dont_make_reusable and hasconnection, counted at the server.</summary>
public sealed class ConnectionTests : ServerTest
{
    [Fact]
    public void SequentialRequestsReuseOneConnection()
    {
        var r = _lua.Run("""
            local a = http.request(base .. '/a')
            local b = http.request(base .. '/b', { method = 'POST', body = 'x' })
            local c = http.request({ url = base .. '/c' })
            return a, b, c, http.hasconnection(base)
            """, _server.BaseUrl);
        Assert.Equal(["hello", "hello", "hello", true], r);
        Assert.Equal(1, _server.Accepted);
        Assert.Equal(0, _server.Closed);
    }

    [Fact]
    public void HasConnectionLooksOnlyAtSchemeHostAndPort()
    {
        var r = _lua.Run($$"""
            local before = http.hasconnection(base)
            http.request(base)
            return before, http.hasconnection(base), http.hasconnection(base .. '/some/path?q=1#f'),
                   http.hasconnection(base .. '/'), http.hasconnection('http://127.0.0.1:1'),
                   http.hasconnection('https://127.0.0.1:{{_server.Port}}'), http.hasconnection('http://localhost:{{_server.Port}}'),
                   http.hasconnection('not a url'), http.hasconnection('ftp://127.0.0.1:{{_server.Port}}')
            """, _server.BaseUrl);
        Assert.Equal([false, true, true, true, false, false, false, false, false], r);
    }

    [Fact]
    public void HasConnectionUsesDefaultPorts()
    {
        var r = _lua.Run("return http.hasconnection('http://127.0.0.1'), http.hasconnection('https://example.invalid')");
        Assert.Equal([false, false], r);
    }

    [Fact]
    public async Task DontReuseOpensAConnectionOfItsOwnAndClosesIt()
    {
        var r = _lua.Run("""
            local a = http.request(base)
            local b = http.request(base, { dont_reuse = true })
            return a, b, http.hasconnection(base)
            """, _server.BaseUrl);
        Assert.Equal(["hello", "hello", true], r);
        Assert.Equal(2, _server.Accepted);
        Assert.True(await _server.WaitUntilAsync(s => s.Closed == 1));

        _lua.Run("http.request(base)", _server.BaseUrl);
        Assert.Equal(2, _server.Accepted);           // the pooled one was used again
        Assert.Equal(1, _server.Open);
    }

    [Fact]
    public async Task DontReuseSendsConnectionClose()
    {
        _lua.Run("return http.request(base .. '/inspect', { dont_reuse = true })", _server.BaseUrl);
        var info = RequestInfo.Parse(_lua.Run("return http.request(base .. '/inspect', { dont_reuse = true })", _server.BaseUrl)[0]);
        Assert.Equal("close", info.Header("Connection"));
        Assert.True(await _server.WaitUntilAsync(s => s.Closed == 2));
    }

    [Fact]
    public async Task DontMakeReusableClosesTheConnectionItOpened()
    {
        var r = _lua.Run("""
            local before = http.hasconnection(base)
            local body = http.request(base, { dont_make_reusable = true })
            return before, body, http.hasconnection(base)
            """, _server.BaseUrl);
        Assert.Equal([false, "hello", false], r);
        Assert.Equal(1, _server.Accepted);
        Assert.True(await _server.WaitUntilAsync(s => s.Closed == 1));

        r = _lua.Run("local b = http.request(base) return b, http.hasconnection(base)", _server.BaseUrl);
        Assert.Equal(["hello", true], r);
        Assert.Equal(2, _server.Accepted);
    }

    [Fact]
    public void DontMakeReusableTakesAPooledConnectionAndLeavesItPooled()
    {
        var r = _lua.Run("""
            http.request(base)
            local body = http.request(base, { dont_make_reusable = true })
            return body, http.hasconnection(base)
            """, _server.BaseUrl);
        Assert.Equal(["hello", true], r);
        Assert.Equal(1, _server.Accepted);
        Assert.Equal(0, _server.Closed);
    }

    [Fact]
    public async Task BothFlagsOpenAndCloseAOneOffConnection()
    {
        var r = _lua.Run("""
            http.request(base)
            local body = http.request(base, { dont_reuse = true, dont_make_reusable = true })
            return body, http.hasconnection(base)
            """, _server.BaseUrl);
        Assert.Equal(["hello", true], r);
        Assert.Equal(2, _server.Accepted);
        Assert.True(await _server.WaitUntilAsync(s => s.Closed == 1));
    }

    [Fact]
    public void ServerConnectionCloseIsNotPooled()
    {
        _server.Map("/bye", ctx =>
        {
            ctx.Response.Headers.Connection = "close";
            return Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(ctx.Response, "bye");
        });
        var r = _lua.Run("local b = http.request(base .. '/bye') return b, http.hasconnection(base)", _server.BaseUrl);
        Assert.Equal(["bye", false], r);
    }

    [Fact]
    public void RequestYieldsZeroValuesInsideACoroutineAndBlocksOutside()
    {
        var r = _lua.Run("""
            local co = coroutine.create(function() return http.request(base .. '/delay?ms=100') end)
            local first = table.pack(coroutine.resume(co))
            local resumes, last = 1, nil
            while coroutine.status(co) == 'suspended' do
              last = table.pack(coroutine.resume(co))
              resumes = resumes + 1
            end
            local blocking = http.request(base .. '/delay?ms=50')
            return first.n, first[1], resumes > 1, last[1], last[2], last[3], blocking
            """, _server.BaseUrl);
        Assert.Equal([1L, true, true, true, "done", 200L, "done"], r);
    }

    [Fact]
    public void ConcurrentRequestsRunInParallelOnSeveralConnections()
    {
        long start = Environment.TickCount64;
        var r = _lua.Run("""
            local cos, results = {}, {}
            for i = 1, 4 do
              cos[i] = coroutine.create(function()
                local body, status = http.request(base .. '/delay?ms=400')
                results[i] = body .. status
              end)
            end
            local alive = #cos
            while alive > 0 do
              alive = 0
              for _, co in ipairs(cos) do
                if coroutine.status(co) == 'suspended' then
                  assert(coroutine.resume(co))
                  alive = alive + 1
                end
              end
            end
            return table.concat(results, ','), http.hasconnection(base)
            """, _server.BaseUrl);
        long elapsed = Environment.TickCount64 - start;
        Assert.Equal(["done200,done200,done200,done200", true], r);
        Assert.Equal(4, _server.Accepted);
        Assert.True(elapsed < 1500, $"4 requests of 400 ms took {elapsed} ms");

        _lua.Run("for i = 1, 4 do http.request(base) end", _server.BaseUrl);
        Assert.Equal(4, _server.Accepted);
    }

    [Fact]
    public void PooledConnectionClosedByTheServerIsReplaced()
    {
        // Answers keep-alive style, then closes each connection after one response.
        using var raw = RawServer.Replying("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        var r = _lua.Run("""
            local out = {}
            for i = 1, 5 do out[i] = (http.request(base, { timeout = 5 })) end
            return table.concat(out, ',')
            """, raw.BaseUrl);
        Assert.Equal("ok,ok,ok,ok,ok", r[0]);
        Assert.Equal(5, raw.Accepted);
    }
}
