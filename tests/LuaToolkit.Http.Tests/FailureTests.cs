using System.Net;
using System.Net.Sockets;

namespace LuaToolkit.Http.Tests;

/// <summary>Failures come back as <c>nil, reason, detail</c> with Pluto's phrases.</summary>
public abstract class FailureTests(RequestMode mode) : IAsyncLifetime
{
    private TestHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static void AssertFailure(object?[] results, string reason)
    {
        Assert.Equal(3, results.Length);
        Assert.Null(results[0]);
        Assert.Equal(reason, results[1]);
        Assert.False(string.IsNullOrEmpty(results[2] as string));
    }

    [Fact]
    public void TimeoutOptionGivesRequestTimedOut()
    {
        using var lua = new LuaHttp(mode: mode);
        long start = Environment.TickCount64;
        var r = lua.Run("return http.request(base .. '/delay?ms=10000', { timeout = 0.3 })", _server.BaseUrl);
        long elapsed = Environment.TickCount64 - start;
        AssertFailure(r, "Request Timed Out");
        Assert.Equal("no complete response within 0.3 s", r[2]);
        Assert.InRange(elapsed, 250, 5000);
    }

    [Fact]
    public void TimeoutCoversASlowBody()
    {
        using var raw = new RawServer(async (stream, _) =>
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"u8.ToArray());
            await Task.Delay(10000);
        });
        using var lua = new LuaHttp(mode: mode);
        AssertFailure(lua.Run("return http.request(base, { timeout = 0.3 })", raw.BaseUrl), "Request Timed Out");
    }

    [Fact]
    public void RefusedPortGivesTcpHandshakeFailed()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var lua = new LuaHttp(mode: mode);
        var r = lua.Run($"return http.request('http://127.0.0.1:{port}/')");
        AssertFailure(r, "TCP Handshake Failed");
        Assert.Contains($"127.0.0.1:{port}", (string)r[2]!);
    }

    [Fact]
    public async Task UnansweredConnectGivesTcpHandshakeTimedOut()
    {
        // A listener that never accepts, its backlog filled: the kernel drops further SYNs, so connecting hangs.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var fillers = new List<Socket>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                try
                {
                    await filler.ConnectAsync(listener.LocalEndPoint!).WaitAsync(TimeSpan.FromMilliseconds(200));
                }
                catch (Exception ex) when (ex is TimeoutException or SocketException)
                {
                    // a filler left hanging is what we want
                }
            }
            int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            using var lua = new LuaHttp(new HttpModule(null, TimeSpan.FromMilliseconds(300)), mode);
            var r = lua.Run($"return http.request('http://127.0.0.1:{port}/', {{ timeout = 10 }})");
            Assert.Equal([null, "TCP Handshake Timed Out", $"connecting to 127.0.0.1:{port} timed out after 0.3 s"], r);
        }
        finally
        {
            foreach (var filler in fillers) filler.Dispose();
        }
    }

    [Fact]
    public void ServerClosingMidBodyGivesConnectionClosedPrematurely()
    {
        using var raw = RawServer.Replying("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it");
        using var lua = new LuaHttp(mode: mode);
        AssertFailure(lua.Run("return http.request(base, { timeout = 5 })", raw.BaseUrl), "Connection Closed Prematurely");
    }

    [Fact]
    public void ServerClosingMidChunkGivesConnectionClosedPrematurely()
    {
        using var raw = RawServer.Replying("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort");
        using var lua = new LuaHttp(mode: mode);
        AssertFailure(lua.Run("return http.request(base, { timeout = 5 })", raw.BaseUrl), "Connection Closed Prematurely");
    }

    [Fact]
    public void ServerClosingBeforeAnyResponseGivesConnectionClosedPrematurely()
    {
        using var raw = new RawServer((_, _) => Task.CompletedTask);
        using var lua = new LuaHttp(mode: mode);
        AssertFailure(lua.Run("return http.request(base, { timeout = 5 })", raw.BaseUrl), "Connection Closed Prematurely");
    }

    [Theory]
    [InlineData("http", false, "Connection Closed Prematurely")]
    [InlineData("http", true, "Protocol Error")]
    [InlineData("https", false, "TLS Handshake Failed")]
    [InlineData("https", true, "TLS Handshake Failed")]
    public void ServerResettingAtOnceGivesOneReasonWhateverNoticesItFirst(string scheme, bool http2, string reason)
    {
        // The reset reaches the connect, the TLS handshake, the HTTP/2 preface, the handler's read loop or the
        // request's first write first, by a race that differs between modes: the reason must not.
        using var server = new ResettingServer();
        using var lua = new LuaHttp(mode: mode);
        var r = lua.Run($$"""
            local reasons = {}
            for i = 1, 40 do
                local body, reason, detail = http.request('{{scheme}}://127.0.0.1:{{server.Port}}/', { http2 = {{(http2 ? "true" : "false")}} })
                assert(body == nil and detail ~= nil and detail ~= '', detail)
                reasons[reason] = (reasons[reason] or 0) + 1
            end
            local list = {}
            for reason, n in pairs(reasons) do list[#list + 1] = reason .. ' x' .. n end
            table.sort(list)
            return table.concat(list, ', ')
            """);
        Assert.Equal($"{reason} x40", r[0]);
    }

    [Fact]
    public void GarbageResponseGivesProtocolError()
    {
        using var raw = RawServer.Replying("SMTP ready, not HTTP at all\r\n\r\n");
        using var lua = new LuaHttp(mode: mode);
        AssertFailure(lua.Run("return http.request(base, { timeout = 5 })", raw.BaseUrl), "Protocol Error");
    }

    [Fact]
    public void NameWithoutAddressesGivesDnsQueryYieldedNoResults()
    {
        using var lua = new LuaHttp((host, _) => Task.FromResult(Array.Empty<IPAddress>()), mode);
        var r = lua.Run("return http.request('http://nothing.test/')");
        Assert.Equal([null, "DNS Query Yielded No Results", "resolving 'nothing.test': no addresses"], r);
    }

    [Fact]
    public void UnknownHostGivesDnsQueryYieldedNoResults()
    {
        using var lua = new LuaHttp((host, _) => Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound)), mode);
        AssertFailure(lua.Run("return http.request('http://unknown.test/')"), "DNS Query Yielded No Results");
    }

    [Fact]
    public void HostsFileNameResolvesThroughTheSystemResolver()
    {
        using var lua = new LuaHttp(mode: mode);
        var r = lua.Run($"return http.request('http://localhost:{_server.Port}/')");
        Assert.Equal(["hello", 200L], r[..2]);
    }

    [Fact]
    public void TlsToAPlainServerGivesTlsHandshakeFailed()
    {
        using var lua = new LuaHttp(mode: mode);
        AssertFailure(lua.Run($"return http.request('https://127.0.0.1:{_server.Port}/', {{ timeout = 5 }})"), "TLS Handshake Failed");
    }
}

public sealed class FailureTestsBlocking() : FailureTests(RequestMode.Blocking);

public sealed class FailureTestsInCoroutine() : FailureTests(RequestMode.Coroutine);
