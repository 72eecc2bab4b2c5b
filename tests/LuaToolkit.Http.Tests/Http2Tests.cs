using System.Diagnostics;
using LuaToolkit.Http.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LuaToolkit.Http.Tests;

/// <summary>
/// The <c>http2</c> option against a Kestrel endpoint that speaks only HTTP/2 without TLS (prior knowledge),
/// in both request modes: a blocking HTTP/2 request waits on a task instead of doing synchronous I/O.
/// </summary>
public abstract class Http2Tests(RequestMode mode) : IAsyncLifetime
{
    protected TestHttpServer _server = null!;
    protected readonly LuaHttp _lua = new(mode: mode);

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync(HttpProtocols.Http2);

    public async Task DisposeAsync()
    {
        _lua.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public void SpeaksHttp2AndReturnsWhatPlutoReturns()
    {
        var r = _lua.Run("""
            local body, status, headers, text = http.request(base .. '/protocol', { http2 = true })
            local _, _, h = http.request(base .. '/headers', { http2 = true })
            return body, status, text, h['x-custom-thing'], h['X-Custom-Thing'], h['content-type']
            """, _server.BaseUrl);
        // HTTP/2 has no reason phrase on the wire, so the status text is empty, as for an HTTP/1.1 server
        // that sends none; header names are matched case-insensitively as over HTTP/1.1.
        Assert.Equal(["HTTP/2", 200L, "", "value", "value", "text/plain"], r);
        Assert.Equal(1, _server.Accepted);
    }

    [Fact]
    public void LargeAndSmallBodiesArriveByteExact()
    {
        // 100 KiB is sent from the Lua string in chunks (the leased-body path); 10 bytes are copied.
        var r = _lua.Run("""
            local big = {}
            for i = 0, 102399 do big[#big + 1] = string.char(i % 251) end
            big = table.concat(big)
            local echoed, status = http.request(base .. '/echo', { http2 = true, body = big })
            local small = http.request(base .. '/echo', { http2 = true, method = 'PUT', body = '0123456789' })
            return echoed == big, #echoed, status, small
            """, _server.BaseUrl);
        Assert.Equal([true, 102400L, 200L, "0123456789"], r);
    }

    [Fact]
    public async Task ATimedOutRequestLeavesTheConnectionUsable()
    {
        var r = _lua.Run("""
            local body, reason = http.request(base .. '/delay?ms=5000', { http2 = true, timeout = 0.3 })
            local after = http.request(base .. '/protocol', { http2 = true })
            return body, reason, after
            """, _server.BaseUrl);
        Assert.Equal([null, HttpFailureReasons.RequestTimedOut, "HTTP/2"], r);
        // The timed-out request's stream was reset; its connection carried the next request.
        Assert.Equal(1, _server.Accepted);
        Assert.False(await _server.WaitUntilAsync(s => s.Closed > 0, 300));
    }

    [Fact]
    public void HasConnectionSeesThePooledHttp2Connection()
    {
        var r = _lua.Run("""
            local before = http.hasconnection(base)
            http.request(base, { http2 = true })
            return before, http.hasconnection(base)
            """, _server.BaseUrl);
        Assert.Equal([false, true], r);
        Assert.Equal(1, _server.Accepted);
        Assert.Equal(0, _server.Closed);
    }

    [Fact]
    public async Task DontReuseOpensAConnectionOfItsOwnAndClosesIt()
    {
        var r = _lua.Run("""
            local a = http.request(base .. '/protocol', { http2 = true, dont_reuse = true })
            local b = http.request(base .. '/protocol', { http2 = true, dont_reuse = true })
            return a, b, http.hasconnection(base)
            """, _server.BaseUrl);
        Assert.Equal(["HTTP/2", "HTTP/2", false], r);
        Assert.True(await _server.WaitUntilAsync(s => s.Accepted == 2 && s.Closed == 2), $"accepted {_server.Accepted}, closed {_server.Closed}");
    }

    [Fact]
    public async Task DontMakeReusableClosesTheConnectionItOpenedButKeepsAPooledOne()
    {
        _lua.Run("http.request(base, { http2 = true, dont_make_reusable = true })", _server.BaseUrl);
        Assert.True(await _server.WaitUntilAsync(s => s.Accepted == 1 && s.Closed == 1), $"accepted {_server.Accepted}, closed {_server.Closed}");
        var r = _lua.Run("""
            http.request(base, { http2 = true })                              -- opens the pooled one
            http.request(base, { http2 = true, dont_make_reusable = true })   -- takes it; it stays pooled
            return http.hasconnection(base)
            """, _server.BaseUrl);
        Assert.Equal([true], r);
        Assert.Equal(2, _server.Accepted);
        Assert.False(await _server.WaitUntilAsync(s => s.Closed > 1, 300));
    }

    [Fact]
    public async Task OverTlsHttp2IsAgreedInTheHandshakeAndNeverFallsBack()
    {
        using var certificate = TestCertificate.Create();
        await using var both = await TestHttpServer.StartAsync(HttpProtocols.Http1AndHttp2, certificate);
        await using var http11 = await TestHttpServer.StartAsync(HttpProtocols.Http1, certificate);
        using var lua = new LuaHttp(TestCertificate.ModuleTrusting(certificate), _lua.Mode);
        const string Both = """
            local h2, status = http.request(base .. '/protocol', { http2 = true })
            local h1 = http.request(base .. '/protocol')
            return h2, status, h1
            """;
        Assert.Equal(["HTTP/2", 200L, "HTTP/1.1"], lua.Run(Both, both.BaseUrl));
        // A server that offers no HTTP/2 ends the handshake when it sees the client asks only for it.
        var refused = lua.Run("""
            local body, reason, detail = http.request(base .. '/protocol', { http2 = true })
            return body, reason, detail, http.request(base .. '/protocol')
            """, http11.BaseUrl);
        Assert.Equal([null, HttpFailureReasons.TlsHandshakeFailed, "HTTP/1.1"], [refused[0], refused[1], refused[3]]);
        Assert.Contains("no application protocol", (string)refused[2]!);
        // Without the test's trust, the self-signed certificate is refused as the system would refuse it.
        Assert.Equal([null, HttpFailureReasons.TlsHandshakeFailed], _lua.Run("return http.request(base, { http2 = true })", both.BaseUrl)[..2]);
    }

    [Fact]
    public void AServerThatClosesBeforeTheHandshakeIsAProtocolError()
    {
        // The connection ends with no HTTP/2 settings from the server. The handler may notice the close or a
        // failed write of the rest of its preface first (the server closes with the preface partly unread).
        using var server = new RawServer((_, _) => Task.CompletedTask);
        var r = _lua.Run("return http.request(base, { http2 = true, timeout = 10 })", server.BaseUrl);
        Assert.True(HttpFailureReasons.ProtocolError == (string?)r[1], $"{r[1]}: {r[2]}");
    }

    [Fact]
    public async Task AnHttp11OnlyServerFailsTheRequestWithAReason()
    {
        await using var http11 = await TestHttpServer.StartAsync();
        var r = _lua.Run("""
            local body, reason, detail = http.request(base, { http2 = true, timeout = 10 })
            local plain = http.request(base)
            return body, reason, detail, plain
            """, http11.BaseUrl);
        // Whether the handler reads the server's HTTP/1.1 answer or its close first, the reason is the same.
        Assert.True(HttpFailureReasons.ProtocolError == (string?)r[1], $"{r[1]}: {r[2]}");
        Assert.Equal([null, "hello"], [r[0], r[3]]);
    }
}

public sealed class Http2TestsBlocking() : Http2Tests(RequestMode.Blocking);

public sealed class Http2TestsInCoroutine() : Http2Tests(RequestMode.Coroutine)
{
    [Fact]
    public async Task ConcurrentRequestsShareConnectionsUpToTheServersStreamLimit()
    {
        _server.Map("/wait", async ctx =>
        {
            await Task.Delay(300);
            await ctx.Response.WriteAsync(ctx.Connection.Id);
        });
        var clock = Stopwatch.StartNew();
        var r = _lua.Host.DoString($$"""
            local http = require 'http'
            local s = require('scheduler').new()
            local ids, ok = {}, 0
            for i = 1, 150 do
              s:add(function()
                local body, status = http.request('{{_server.BaseUrl}}/wait', { http2 = true })
                if status == 200 then ok = ok + 1 ids[body] = true end
              end)
            end
            s:run()
            local n = 0
            for _ in pairs(ids) do n = n + 1 end
            return ok, n
            """);
        // 150 requests held 0.3 s each: one after the other they would take 45 s, and over HTTP/1.1 they
        // would need 150 connections. Kestrel takes 100 streams per connection, so they need two. The
        // handler may open one spare while a connection's settings (its stream limit) are on their way.
        Assert.Equal(150L, r[0]);
        Assert.InRange((long)r[1]!, 2, 3);
        Assert.InRange(_server.Accepted, 2, 3);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(7.5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task CloseConnectionsClosesTheHttp2ConnectionAfterItsRequests()
    {
        var r = _lua.Run("""
            http.request(base, { http2 = true })
            local before = http.hasconnection(base)
            http.closeconnections()
            local after = http.hasconnection(base)
            local again = http.request(base .. '/protocol', { http2 = true })
            return before, after, again
            """, _server.BaseUrl);
        Assert.Equal([true, false, "HTTP/2"], r);
        Assert.True(await _server.WaitUntilAsync(s => s.Accepted == 2 && s.Closed == 1), $"accepted {_server.Accepted}, closed {_server.Closed}");
    }

    [Fact]
    public async Task ClosingTheStateCancelsHttp2RequestsInFlight()
    {
        var (started, aborted) = _server.MapHeld("/hold");
        var lua = new LuaHttp();
        lua.Run("""
            held = coroutine.create(function() return http.request(base .. '/hold', { http2 = true }) end)
            repeat assert(coroutine.resume(held)) until http.hasconnection(base)
            """, _server.BaseUrl);
        // The connection is open; the request goes out from the handler's own loop, with no more resumes.
        Assert.Same(started, await Task.WhenAny(started, Task.Delay(5000)));
        Assert.Equal(1, _server.Accepted);
        lua.Dispose();
        Assert.True(await _server.WaitUntilAsync(s => s.Closed == 1), $"closed {_server.Closed}");
        Assert.Same(aborted, await Task.WhenAny(aborted, Task.Delay(5000)));
    }
}
