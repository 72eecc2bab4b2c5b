using LuaToolkit.Http.Tests.Infrastructure;

namespace LuaToolkit.Http.Tests;

/// <summary>
/// A coroutine's request does its socket I/O through the host's event loop, which the Lua thread pumps
/// whenever it waits. These scripts drive coroutines in every way a script may, and each must finish:
/// a way that never pumps would hang here (until the request's timeout).
/// </summary>
public sealed class EventLoopProgressTests : ServerTest
{
    [Fact]
    public void TheHostHasAnEventLoopUnlessTurnedOff()
    {
        bool off = string.Equals(Environment.GetEnvironmentVariable("LUATOOLKIT_EVENT_LOOP"), "off", StringComparison.OrdinalIgnoreCase);
        Assert.Equal(!off, _lua.Host.EventLoop is not null);
    }

    [Fact]
    public void APlainResumeLoopWithoutASchedulerFinishes()
    {
        var r = _lua.Run("""
            local co = coroutine.create(function() return http.request(base .. '/a', { timeout = 5 }) end)
            local ok, body, status
            repeat ok, body, status = coroutine.resume(co) until coroutine.status(co) == 'dead'
            return ok, body, status
            """, _server.BaseUrl);
        Assert.Equal([true, "hello", 200L], r);
    }

    [Fact]
    public void ASchedulerWithItsOwnYieldfuncFinishes()
    {
        var r = _lua.Run("""
            local s = require('scheduler').new()
            local rounds = 0
            s.yieldfunc = function() rounds = rounds + 1 end
            local bodies = {}
            for i = 1, 8 do
              s:add(function() bodies[i] = http.request(base .. '/a', { timeout = 5 }) end)
            end
            s:run()
            return table.concat(bodies, ','), rounds > 0
            """, _server.BaseUrl);
        Assert.Equal([string.Join(',', Enumerable.Repeat("hello", 8)), true], r);
    }

    [Fact]
    public void CoroutineAndBlockingRequestsShareTheKeepAliveConnection()
    {
        var r = _lua.Run("""
            local s = require('scheduler').new()
            local first
            s:add(function() first = http.request(base .. '/a') end)
            s:run()
            local second = http.request(base .. '/b')          -- blocking, on the same connection
            s:add(function() first = first .. http.request(base .. '/c') end)
            s:run()
            return first, second
            """, _server.BaseUrl);
        Assert.Equal(["hellohello", "hello"], r);
        Assert.Equal(1, _server.Accepted);
    }

    [Fact]
    public void ManyCoroutinesWithBodiesBothWaysRoundTrip()
    {
        var r = _lua.Run("""
            local s = require('scheduler').new()
            local ok = 0
            for i = 1, 32 do
              s:add(function()
                local payload = string.rep(string.char(i), 100000 + i)
                local body, status = http.request(base .. '/echo', { method = 'POST', body = payload, timeout = 10 })
                if status == 200 and body == payload then ok = ok + 1 end
              end)
            end
            s:run()
            return ok
            """, _server.BaseUrl);
        Assert.Equal([32L], r);
    }
}
