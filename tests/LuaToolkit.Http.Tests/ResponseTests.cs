using LuaToolkit.Http.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace LuaToolkit.Http.Tests;

/// <summary>What comes back: header names and lookups, status and status text, compression, redirects.</summary>
public abstract class ResponseTests(RequestMode mode) : ServerTest(mode)
{
    [Fact]
    public void HeaderNamesAreTitleCaseAndLookupsIgnoreCase()
    {
        var r = _lua.Run("""
            local _, _, h = http.request(base .. '/headers')
            local names = {}
            for k in pairs(h) do names[#names + 1] = k end
            table.sort(names)
            return table.concat(names, ','), h['X-Custom-Thing'], h['x-custom-thing'], h['X-CUSTOM-THING'],
                   h['content-type'], h['Content-Type'], rawget(h, 'content-type'), h['nope']
            """, _server.BaseUrl);
        Assert.Equal("Content-Type,Date,Server,Set-Cookie,Transfer-Encoding,X-Custom-Thing,X-Dup", r[0]);
        Assert.Equal(["value", "value", "value", "text/plain", "text/plain", null, null], r[1..]);
    }

    [Fact]
    public void RepeatedHeadersAreJoinedWithCommaSpace()
    {
        var r = _lua.Run("""
            local _, _, h = http.request(base .. '/headers')
            return h['X-Dup'], h['set-cookie']
            """, _server.BaseUrl);
        Assert.Equal(["a, b", "a=1, b=2"], r);
    }

    [Fact]
    public void StatusTextIsTheReasonPhraseSent()
    {
        var r = _lua.Run("""
            local _, s1, _, t1 = http.request(base .. '/reason')
            local b2, s2, _, t2 = http.request(base .. '/missing')
            return s1, t1, b2, s2, t2
            """, _server.BaseUrl);
        Assert.Equal([200L, "Totally Fine", "no such thing", 404L, "Not Found"], r);
    }

    [Fact]
    public void MissingReasonPhraseIsEmptyString()
    {
        using var raw = RawServer.Replying("HTTP/1.1 204\r\nConnection: close\r\n\r\n");
        var r = _lua.Run("return http.request(base)", raw.BaseUrl);
        Assert.Equal(["", 204L], r[..2]);
        Assert.Equal("", r[3]);
    }

    [Fact]
    public void EmptyReasonPhraseIsEmptyString()
    {
        using var raw = RawServer.Replying("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nok");
        var r = _lua.Run("return http.request(base)", raw.BaseUrl);
        Assert.Equal(["ok", 200L], r[..2]);
        Assert.Equal("", r[3]);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public void CompressedBodiesAreDecodedAndContentEncodingRemoved(string coding)
    {
        var r = _lua.Run($"""
            local body, status, h = http.request(base .. '/{coding}')
            return body, status, h['Content-Encoding'], h['Content-Length']
            """, _server.BaseUrl);
        Assert.Equal([$"hello {coding} " + new string('x', 200), 200L, null, null], r);
    }

    [Fact]
    public void RawDeflateIsDecodedToo()
    {
        var plain = "raw deflate body"u8.ToArray();
        using var packed = new MemoryStream();
        using (var deflate = new System.IO.Compression.DeflateStream(packed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
            deflate.Write(plain);
        byte[] bytes = packed.ToArray();
        using var raw = new RawServer(async (stream, _) =>
        {
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                $"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(bytes);
        });
        var r = _lua.Run("return http.request(base)", raw.BaseUrl);
        Assert.Equal("raw deflate body", r[0]);
    }

    [Fact]
    public void UnknownContentEncodingIsLeftAlone()
    {
        using var raw = RawServer.Replying("HTTP/1.1 200 OK\r\nContent-Encoding: zstd\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
        var r = _lua.Run("local b, s, h = http.request(base) return b, h['Content-Encoding'], h['Content-Length']", raw.BaseUrl);
        Assert.Equal(["abc", "zstd", "3"], r);
    }

    [Fact]
    public void CorruptCompressedBodyIsAProtocolError()
    {
        using var raw = RawServer.Replying("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\nConnection: close\r\n\r\nnopes");
        var r = _lua.Run("return http.request(base)", raw.BaseUrl);
        Assert.Equal([null, "Protocol Error"], r[..2]);
        Assert.IsType<string>(r[2]);
    }

    [Fact]
    public void RedirectsAreNotFollowed()
    {
        var r = _lua.Run("""
            local body, status, h, text = http.request(base .. '/redirect')
            return body, status, h.Location, h['location'], text
            """, _server.BaseUrl);
        Assert.Equal(["moved", 302L, "/target", "/target", "Found"], r);
    }

    [Fact]
    public void ErrorStatusesAreResponsesNotFailures()
    {
        _server.Map("/teapot", ctx =>
        {
            ctx.Response.StatusCode = 500;
            return ctx.Response.WriteAsync("broken");
        });
        var r = _lua.Run("return http.request(base .. '/teapot')", _server.BaseUrl);
        Assert.Equal(["broken", 500L], r[..2]);
        Assert.Equal("Internal Server Error", r[3]);
    }

    [Fact]
    public void HeadWithContentLengthReturnsNoBody()
    {
        // The server keeps the connection open after the head: a client waiting for a body would hang.
        using var raw = new RawServer(async (stream, head) =>
        {
            Assert.StartsWith("HEAD / HTTP/1.1\r\n", head);
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\n"u8.ToArray());
            await RawServer.ReadHeadAsync(stream);
        });
        var r = _lua.Run("""
            local body, status, h, text = http.request(base, { method = 'HEAD', timeout = 5 })
            return body, status, h['Content-Length'], text
            """, raw.BaseUrl);
        Assert.Equal(["", 200L, "1000", "OK"], r);
    }

    [Fact]
    public void HeadAgainstKestrelSucceeds()
    {
        var r = _lua.Run("return http.request(base .. '/bytes', { method = 'HEAD' })", _server.BaseUrl);
        Assert.Equal(["", 200L], r[..2]);
    }

    [Fact]
    public void CloseDelimitedBodyIsReadToTheEnd()
    {
        using var raw = RawServer.Replying("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nread until the server closes\nsecond line");
        var r = _lua.Run("""
            local body, status, h = http.request(base, { timeout = 5 })
            return body, status, h['Content-Length']
            """, raw.BaseUrl);
        Assert.Equal(["read until the server closes\nsecond line", 200L, null], r);
    }
}

public sealed class ResponseTestsBlocking() : ResponseTests(RequestMode.Blocking);

public sealed class ResponseTestsInCoroutine() : ResponseTests(RequestMode.Coroutine);
