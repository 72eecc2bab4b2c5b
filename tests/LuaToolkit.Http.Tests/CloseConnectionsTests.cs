using LuaToolkit.Http.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LuaToolkit.Http.Tests;

/// <summary><c>http.closeconnections</c> and closing the state, observed at the server.</summary>
public sealed class CloseConnectionsTests : ServerTest
{
    // Resumes every suspended coroutine of `cos` until all are dead; returns each one's last resume results.
    private const string RunAll = """
        local function runall(cos)
          local last = {}
          repeat
            local alive = false
            for i, co in ipairs(cos) do
              if coroutine.status(co) == 'suspended' then
                last[i] = table.pack(coroutine.resume(co))
                assert(last[i][1], last[i][2])
                alive = true
              end
            end
          until not alive
          return last
        end
        """;

    [Fact]
    public void OutsideACoroutineRaises()
    {
        string message = _lua.Error("http.closeconnections()");
        Assert.EndsWith("http.closeconnections must be called inside a coroutine", message);
    }

    [Fact]
    public void InsideAWrappedCoroutineAcrossACBoundaryRaises()
    {
        // pcall is yieldable in 5.4, but a coroutine resumed from a C function (here, table.sort's
        // comparator) is not: the check is lua_isyieldable, as in Pluto.
        string message = _lua.Error("""
            local co = coroutine.wrap(function()
              table.sort({ 2, 1 }, function(a, b) http.closeconnections() return a < b end)
            end)
            co()
            """);
        Assert.EndsWith("http.closeconnections must be called inside a coroutine", message);
    }

    [Fact]
    public async Task ClosesIdleConnectionsAndLaterRequestsPoolAgain()
    {
        var r = _lua.Run(RunAll + "\n" + """
            http.request(base)
            local before = http.hasconnection(base)
            local last = runall({ coroutine.create(function() return http.closeconnections() end) })
            local after = http.hasconnection(base)
            local body = http.request(base)
            return before, last[1].n, after, body, http.hasconnection(base)
            """, _server.BaseUrl);
        Assert.Equal([true, 1L, false, "hello", true], r);   // closeconnections returned nothing
        Assert.Equal(2, _server.Accepted);
        Assert.True(await _server.WaitUntilAsync(s => s.Closed == 1));
    }

    [Fact]
    public async Task RequestInFlightCompletesAndItsConnectionIsNotPooled()
    {
        // The slow request answers only once the server has seen the idle connection closed, so it
        // completing with "idle-closed" proves closeconnections closed the idle one while it was in flight.
        // The handler may place the slow request on either connection, even after the blocking request has
        // returned; closeconnections must then neither close the connection it is about to write to (the
        // request failed with "Cannot access a disposed object" in about 1 run in 25) nor leave the other open.
        _server.Map("/slow", async ctx =>
        {
            bool closed = await _server.WaitUntilAsync(s => s.Closed >= 1);
            await ctx.Response.WriteAsync(closed ? "idle-closed" : "idle-still-open");
        });
        var r = _lua.Run(RunAll + "\n" + """
            local slow = coroutine.create(function() return http.request(base .. '/slow') end)
            -- A coroutine's request progresses while the Lua thread waits; each resume here polls.
            repeat assert(coroutine.resume(slow)) until http.hasconnection(base)   -- in flight on connection 1
            http.request(base)                           -- connection 2, idle afterwards
            local closer = coroutine.create(function() return http.closeconnections() end)
            assert(coroutine.resume(closer))
            local waiting = coroutine.status(closer)     -- still waiting for the slow request
            local during = http.hasconnection(base)
            local last = runall({ slow, closer })
            return waiting, during, last[1][2], last[1][3], last[2].n, http.hasconnection(base)
            """, _server.BaseUrl);
        Assert.Equal(["suspended", false, "idle-closed", 200L, 1L, false], r);
        Assert.Equal(2, _server.Accepted);
        Assert.True(await _server.WaitUntilAsync(s => s.Closed == 2));

        r = _lua.Run("local b = http.request(base) return b, http.hasconnection(base)", _server.BaseUrl);
        Assert.Equal(["hello", true], r);
        Assert.Equal(3, _server.Accepted);
    }

    [Fact]
    public async Task ARequestWaitingForAConnectionGetsTheOneAnotherRequestLeavesAndCompletes()
    {
        // b's own connect is held at the resolver (the URL has a name, so connects go through it).
        var bResolving = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bConnect = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int resolutions = 0;
        using var lua = new LuaHttp(async (_, token) =>
        {
            if (Interlocked.Increment(ref resolutions) == 2)
            {
                bResolving.TrySetResult();
                await bConnect.Task.WaitAsync(token);
            }
            return [System.Net.IPAddress.Loopback];
        });
        try
        {
            var r = await HandOverAsync(lua, _server, $"http://held.test:{_server.Port}", bResolving.Task);
            Assert.Equal(["go", "first", 200L, "hello", 200L, "dead"], r);
            Assert.True(await _server.WaitUntilAsync(s => s.Closed == 1), $"closed {_server.Closed}");   // a's, then b's
            Assert.Equal(2, _server.Accepted);   // a's (then b's) and /go's: b's own connect never got past the resolver
            Assert.Equal(2, resolutions);
        }
        finally
        {
            bConnect.TrySetResult();
        }
    }

    [Fact]
    public async Task OverTlsARequestWhoseHandshakeStallsGetsTheConnectionAnotherLeavesAndCompletes()
    {
        // b's own connection waits for its TLS handshake (the relay holds the server's reply). The handshake
        // writes to it in b's flow; they must not count as b being on a connection.
        using var certificate = TestCertificate.Create();
        await using var server = await TestHttpServer.StartAsync(HttpProtocols.Http1, certificate);
        using var relay = new StallingRelay(server.Port, stalled: 2);
        using var lua = new LuaHttp(TestCertificate.ModuleTrusting(certificate));
        var bConnected = relay.WaitUntilAsync(r => r.Accepted == 2);
        var r = await HandOverAsync(lua, server, $"https://127.0.0.1:{relay.Port}", bConnected);
        Assert.Equal(["go", "first", 200L, "hello", 200L, "dead"], r);
        Assert.Equal(2, relay.Accepted);
    }

    // Request b waits for a connection of its own (until `bWaits`) while request a is in flight and
    // closeconnections waits for it. When a's response ends, the handler hands a's connection to b before a's
    // request is over: closing it then failed b ("Cannot access a disposed object", or its loop operation
    // cancelled). It must close only after b's response. Returns /go's body, a's body and status, b's body and
    // status, and the closer's status.
    private static async Task<object?[]> HandOverAsync(LuaHttp lua, TestHttpServer server, string url, Task bWaits)
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/first", async ctx =>
        {
            await go.Task;
            await ctx.Response.WriteAsync("first");
        });
        server.Map("/go", ctx =>
        {
            go.TrySetResult();
            return ctx.Response.WriteAsync("go");
        });
        lua.Run("""
            a = coroutine.create(function() return http.request(base .. '/first') end)
            repeat assert(coroutine.resume(a)) until http.hasconnection(base)   -- in flight on connection 1
            b = coroutine.create(function() return http.request(base) end)
            assert(coroutine.resume(b))
            """, url);
        await bWaits.WaitAsync(TimeSpan.FromSeconds(10));   // b is in the generation, waiting for a connection
        var r = lua.Run(RunAll + $"\nlocal direct = '{server.BaseUrl}'\n" + """
            local closer = coroutine.create(function() return http.closeconnections() end)
            assert(coroutine.resume(closer))
            local went = http.request(direct .. '/go')  -- a new generation, no resolver or relay: answers a
            local last = runall({ a, b, closer })
            local detail = type(last[2][4]) == 'string' and last[2][4] or ''   -- a failure's detail
            return went, last[1][2], last[1][3], last[2][2], last[2][3], coroutine.status(closer), detail
            """, url);
        Assert.True(r[3] is "hello", $"b: {r[3]}, {r[4]}, {r[6]}");
        return r[..6];
    }

    [Fact]
    public void RequestsStartedWhileClosingStillWork()
    {
        _server.Map("/slow", async ctx =>
        {
            await Task.Delay(200);
            await ctx.Response.WriteAsync("slow");
        });
        var r = _lua.Run(RunAll + "\n" + """
            local slow = coroutine.create(function() return http.request(base .. '/slow') end)
            assert(coroutine.resume(slow))
            local closer = coroutine.create(function() return http.closeconnections() end)
            assert(coroutine.resume(closer))
            local body = http.request(base)              -- a new request while closeconnections waits
            local last = runall({ slow, closer })
            return body, last[1][2], coroutine.status(closer)
            """, _server.BaseUrl);
        Assert.Equal(["hello", "slow", "dead"], r);
    }

    [Fact]
    public void WithNothingOpenReturnsAtOnce()
    {
        var r = _lua.Run("""
            local co = coroutine.create(function() http.closeconnections() return 'done' end)
            local ok, value = coroutine.resume(co)
            return ok, value, coroutine.status(co)
            """);
        Assert.Equal([true, "done", "dead"], r);
    }

    [Fact]
    public async Task ClosingTheStateClosesConnectionsAndCancelsRequestsInFlight()
    {
        var (started, aborted) = _server.MapHeld("/hold");
        var lua = new LuaHttp();
        lua.Run("""
            held = coroutine.create(function() return http.request(base .. '/hold') end)
            -- Resumed until connected (each resume polls the event loop); the request then goes out.
            repeat assert(coroutine.resume(held)) until http.hasconnection(base)   -- connection 1, in flight
            http.request(base)                            -- connection 2, idle afterwards
            """, _server.BaseUrl);
        Assert.True(await _server.WaitUntilAsync(s => s.Accepted == 2), $"accepted {_server.Accepted}");
        Assert.Same(started, await Task.WhenAny(started, Task.Delay(5000)));
        lua.Dispose();
        Assert.True(await _server.WaitUntilAsync(s => s.Closed == 2), $"closed {_server.Closed}, accepted {_server.Accepted}");
        Assert.Same(aborted, await Task.WhenAny(aborted, Task.Delay(5000)));
    }
}
