using LuaToolkit.Http.Tests.Infrastructure;
namespace LuaToolkit.Http.Tests;

/// <summary>Bodies cross between Lua and the wire byte for byte, both ways, small and large.</summary>
public abstract class BodyTests(RequestMode mode) : ServerTest(mode)
{
    private const string AllBytes = """
        local t = {}
        for i = 0, 255 do t[#t + 1] = string.char(i) end
        local all = table.concat(t)
        """;

    [Fact]
    public void ResponseWithEveryByteValueArrivesExactly()
    {
        var r = _lua.Run(AllBytes + """
            local body, status, h = http.request(base .. '/bytes')
            return body == all, #body, status
            """, _server.BaseUrl);
        Assert.Equal([true, 256L, 200L], r);
    }

    [Fact]
    public void RequestBodyWithEveryByteValueRoundTrips()
    {
        var r = _lua.Run(AllBytes + """
            local body, status, h = http.request(base .. '/echo', { body = all })
            return body == all, #body, h['Content-Length']
            """, _server.BaseUrl);
        Assert.Equal([true, 256L, "256"], r);
    }

    [Fact]
    public void TenMegabyteBodyRoundTrips()
    {
        var r = _lua.Run(AllBytes + """
            local big = string.rep(all, 40960)       -- 10 MiB
            local body, status, h = http.request(base .. '/echo', { method = 'PUT', body = big })
            return body == big, #body, status, h['Content-Length']
            """, _server.BaseUrl);
        Assert.Equal([true, 10485760L, 200L, "10485760"], r);
    }

    [Fact]
    public void TextBodyWithUtf8IsUnchanged()
    {
        var r = _lua.Run("""
            local text = 'caf\u{e9} \u{1F600} \0 end'
            local body = http.request(base .. '/echo', { body = text })
            return body == text, #body
            """, _server.BaseUrl);
        Assert.Equal([true, 16L], r);
    }

    [Fact]
    public void InvalidUtf8BodyIsUnchanged()
    {
        var r = _lua.Run("""
            local junk = '\xff\xfe\xc3\x28\xa0\xa1\xe2\x82'
            local body = http.request(base .. '/echo', { body = junk })
            return body == junk
            """, _server.BaseUrl);
        Assert.Equal([true], r);
    }
}

public sealed class BodyTestsBlocking() : BodyTests(RequestMode.Blocking);

public sealed class BodyTestsInCoroutine() : BodyTests(RequestMode.Coroutine);
