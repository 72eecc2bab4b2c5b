using System.Net;

namespace LuaToolkit.Http.Tests;

/// <summary>
/// IPv4 first and IPv6 on failure, reversed by <c>prefer_ipv6</c>: one name resolves (through the injected
/// resolver) to both 127.0.0.1 and ::1, and the server reports which address a request arrived on.
/// </summary>
public sealed class AddressFamilyTests
{
    // The resolver lists IPv6 first, so an IPv4-first result cannot come from resolver order.
    private static Func<string, CancellationToken, Task<IPAddress[]>> BothFamilies(string name) =>
        (host, _) => Task.FromResult(host == name ? new[] { IPAddress.IPv6Loopback, IPAddress.Loopback } : []);

    [Fact]
    public async Task Ipv4IsTriedFirstAndPreferIpv6ReversesIt()
    {
        await using var server = await TestHttpServer.StartAsync(IPAddress.Loopback, IPAddress.IPv6Loopback);
        using var lua = new LuaHttp(BothFamilies("dual.test"));
        var r = lua.Run($$"""
            local url = 'http://dual.test:{{server.Port}}/local'
            local v4 = http.request(url)
            local v6 = http.request(url, { prefer_ipv6 = true, dont_reuse = true })
            return v4, v6, http.hasconnection('http://dual.test:{{server.Port}}')
            """);
        Assert.Equal(["127.0.0.1", "::1", true], r);
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task PreferIpv6OnANewConnectionOfAFreshState()
    {
        await using var server = await TestHttpServer.StartAsync(IPAddress.Loopback, IPAddress.IPv6Loopback);
        using var lua = new LuaHttp(BothFamilies("dual.test"));
        var r = lua.Run($"return http.request({{ url = 'http://dual.test:{server.Port}/local', prefer_ipv6 = true }})");
        Assert.Equal("::1", r[0]);
    }

    [Fact]
    public async Task PooledConnectionIsReusedWhateverTheFamilyPreference()
    {
        await using var server = await TestHttpServer.StartAsync(IPAddress.Loopback, IPAddress.IPv6Loopback);
        using var lua = new LuaHttp(BothFamilies("dual.test"));
        var r = lua.Run($$"""
            local url = 'http://dual.test:{{server.Port}}/local'
            return (http.request(url)), (http.request(url, { prefer_ipv6 = true }))
            """);
        Assert.Equal(["127.0.0.1", "127.0.0.1"], r);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task FallsBackToIpv6WhenIpv4IsRefused()
    {
        await using var server = await TestHttpServer.StartAsync(IPAddress.IPv6Loopback);
        using var lua = new LuaHttp(BothFamilies("v6only.test"));
        var r = lua.Run($"return http.request('http://v6only.test:{server.Port}/local')");
        Assert.Equal("::1", r[0]);
    }

    [Fact]
    public async Task FallsBackToIpv4WhenIpv6IsRefused()
    {
        await using var server = await TestHttpServer.StartAsync(IPAddress.Loopback);
        using var lua = new LuaHttp(BothFamilies("v4only.test"));
        var r = lua.Run($"return http.request('http://v4only.test:{server.Port}/local', {{ prefer_ipv6 = true }})");
        Assert.Equal("127.0.0.1", r[0]);
    }

    [Fact]
    public async Task Ipv6LiteralUrlConnectsDirectly()
    {
        await using var server = await TestHttpServer.StartAsync(IPAddress.IPv6Loopback);
        using var lua = new LuaHttp((_, _) => throw new InvalidOperationException("no lookup for a literal"));
        var r = lua.Run($$"""
            local body = http.request('http://[::1]:{{server.Port}}/local')
            return body, http.hasconnection('http://[::1]:{{server.Port}}/')
            """);
        Assert.Equal(["::1", true], r);
    }

    [Fact]
    public void OrderPutsThePreferredFamilyFirstKeepingResolverOrder()
    {
        var a4 = IPAddress.Parse("10.0.0.1");
        var b4 = IPAddress.Parse("10.0.0.2");
        var a6 = IPAddress.Parse("fd00::1");
        var b6 = IPAddress.Parse("fd00::2");
        Assert.Equal([a4, b4, a6, b6], AddressConnector.Order([a6, a4, b6, b4], preferIpv6: false));
        Assert.Equal([a6, b6, a4, b4], AddressConnector.Order([a6, a4, b6, b4], preferIpv6: true));
    }
}
