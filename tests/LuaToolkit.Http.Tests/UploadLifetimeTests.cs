using LuaToolkit.Http.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace LuaToolkit.Http.Tests;

/// <summary>
/// A large request body is sent from the Lua string itself, without a copy. The string must stay valid for
/// as long as the body is being sent, whatever happens to the script that passed it.
/// </summary>
public sealed class UploadLifetimeTests() : ServerTest(RequestMode.Blocking)
{
    private const int Size = 4 * 1024 * 1024;

    /// <summary>Builds `big`: Size bytes, byte i = i * 7 mod 251 (a pattern the server checks byte by byte).</summary>
    private static readonly string BigBody = $$"""
        local t = {}
        for i = 0, {{Size}} - 1, 4096 do
          local chunk = {}
          for j = i, math.min(i + 4095, {{Size}} - 1) do chunk[#chunk + 1] = string.char(j * 7 % 251) end
          t[#t + 1] = table.concat(chunk)
        end
        local big = table.concat(t)
        """;

    /// <summary>
    /// /hold waits until the test lets it read, then checks the body; /verdict answers what it found
    /// ("pending" until then).
    /// </summary>
    private (TaskCompletionSource Release, Func<string> Verdict) MapHoldingUpload()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string verdict = "pending";
        _server.Map("/hold", async ctx =>
        {
            await release.Task;
            var buffer = new byte[64 * 1024];
            long at = 0, bad = -1;
            int n;
            while ((n = await ctx.Request.Body.ReadAsync(buffer)) > 0)
            {
                for (int i = 0; i < n && bad < 0; i++)
                    if (buffer[i] != (byte)((at + i) * 7 % 251)) bad = at + i;
                at += n;
            }
            Volatile.Write(ref verdict, bad >= 0 ? $"wrong byte at {bad}" : $"ok {at}");
            await ctx.Response.WriteAsync("done");
        });
        _server.Map("/verdict", ctx => ctx.Response.WriteAsync(Volatile.Read(ref verdict)));
        return (release, () => Volatile.Read(ref verdict));
    }

    [Fact]
    public void ABodyStillSendsExactlyAfterItsCoroutineIsClosedAndItsStringCollected()
    {
        var (release, verdict) = MapHoldingUpload();
        _lua.Run(BigBody + """
            local co = coroutine.create(function() http.request(base .. '/hold', { body = big }) end)
            assert(coroutine.resume(co))            -- the request starts, the coroutine waits for it
            big = nil
            assert(coroutine.close(co))             -- nothing in Lua refers to the body any more
            for _ = 1, 3 do collectgarbage() end
            churn = {}
            for i = 1, 2000 do churn[i] = string.rep(string.char(i % 256), 2048) end  -- reuse freed memory
            """, _server.BaseUrl);
        release.SetResult();
        // The abandoned request's I/O completes on the Lua thread's event loop: pump it with requests of a
        // coroutine until the server has read the whole body.
        var r = _lua.Run("""
            local result
            local s = require('scheduler').new()
            s:add(function()
              for _ = 1, 500 do
                result = http.request(base .. '/verdict')
                if result ~= 'pending' then return end
              end
            end)
            s:run()
            return result
            """, _server.BaseUrl);
        Assert.Equal($"ok {Size}", r[0]);
        Assert.Equal($"ok {Size}", verdict());
    }

    [Fact]
    public void ClosingTheHostMidUploadNeitherCrashesNorReadsFreedMemory()
    {
        var (release, _) = MapHoldingUpload();
        _lua.Run(BigBody + """
            co = coroutine.create(function() http.request(base .. '/hold', { body = big }) end)
            assert(coroutine.resume(co))
            """, _server.BaseUrl);
        _lua.Dispose(); // frees the state while the body waits to be sent
        release.SetResult();
        Thread.Sleep(200); // the server reads what it can; the client's send has ended
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // Still alive: a fresh host works.
        using var again = new LuaHttp();
        Assert.Equal("done", again.Run("return (http.request(base .. '/hold', { body = 'x' }))", _server.BaseUrl)[0]);
    }
}
