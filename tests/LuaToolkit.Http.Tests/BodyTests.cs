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

    // Byte i of the large test bodies is i mod 251; Lua builds the same string and compares.
    private const string Pattern = """
        local function pattern(n)
            local t = {}
            for i = 0, 250 do t[#t + 1] = string.char(i) end
            local cycle = table.concat(t)
            return string.rep(cycle, n // 251 + 1):sub(1, n)
        end

        """;

    private static byte[] PatternBytes(int n) => Enumerable.Range(0, n).Select(i => (byte)(i % 251)).ToArray();

    [Theory]
    [InlineData(70_000)]       // just past the pooled-array size: a block Lua takes as the string
    [InlineData(3_000_000)]    // grown several times
    public void LargeBodyWithoutALengthArrivesExactly(int size)
    {
        // Chunked, so the body is read into a buffer that grows as it arrives.
        _server.Map("/chunked", async ctx =>
        {
            byte[] bytes = PatternBytes(size);
            for (int at = 0; at < bytes.Length; at += 50_000)
            {
                await ctx.Response.Body.WriteAsync(bytes.AsMemory(at, Math.Min(50_000, bytes.Length - at)));
                await ctx.Response.Body.FlushAsync();
            }
        });
        var r = _lua.Run(Pattern + $$"""
            local body, status, h = http.request(base .. '/chunked')
            return body == pattern({{size}}), #body, h['Transfer-Encoding']
            """, _server.BaseUrl);
        Assert.Equal([true, (long)size, "chunked"], r);
    }

    [Fact]
    public void LargeCompressedBodyIsDecodedExactly()
    {
        const int Size = 2_000_000;
        _server.Map("/big-gzip", async ctx =>
        {
            using var packed = new MemoryStream();
            using (var gzip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
                gzip.Write(PatternBytes(Size));
            ctx.Response.Headers.ContentEncoding = "gzip";
            ctx.Response.ContentLength = packed.Length;
            await ctx.Response.Body.WriteAsync(packed.ToArray());
        });
        var r = _lua.Run(Pattern + $$"""
            local body, status, h = http.request(base .. '/big-gzip')
            return body == pattern({{Size}}), #body, h['Content-Encoding']
            """, _server.BaseUrl);
        Assert.Equal([true, (long)Size, null], r);
    }

    [Fact]
    public void ManyLargeBodiesKeptAndDroppedStayExact()
    {
        // Each body is a block Lua took as the string; Lua frees it when the string is collected. Keep some,
        // drop the rest, collect, and every kept one must still read back exactly.
        const int Size = 200_000;
        _server.Map("/pattern", ctx =>
        {
            ctx.Response.ContentLength = Size;
            return ctx.Response.Body.WriteAsync(PatternBytes(Size)).AsTask();
        });
        var r = _lua.Run(Pattern + $$"""
            local want, kept = pattern({{Size}}), {}
            for i = 1, 40 do
                local body = http.request(base .. '/pattern')
                if i % 4 == 0 then kept[#kept + 1] = body end
                if i % 10 == 0 then collectgarbage() end
            end
            collectgarbage()
            local same = 0
            for _, body in ipairs(kept) do if body == want then same = same + 1 end end
            return same
            """, _server.BaseUrl);
        Assert.Equal([10L], r);
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
