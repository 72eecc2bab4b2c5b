using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace LuaToolkit.Bench.Http;

/// <summary>
/// The loopback server, run as a child process: `server &lt;port&gt; &lt;http2Port&gt;`. The second port speaks
/// HTTP/2 without TLS (Kestrel serves cleartext HTTP/2 only on an endpoint that speaks nothing else).
/// </summary>
internal static class Server
{
    public const int BigSize = 100 * 1024 * 1024;
    public static readonly byte[] Hello = "hello world\n"u8.ToArray();

    /// <summary>The deterministic pattern of the big bodies: byte i is i mod 251.</summary>
    public static byte PatternAt(long i) => (byte)(i % 251);

    public static byte[] PatternBlock(int length)
    {
        var b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = PatternAt(i);
        return b;
    }

    public static int Run(int port, int http2Port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MaxConcurrentConnections = null;
            k.Listen(System.Net.IPAddress.Loopback, port);
            k.Listen(System.Net.IPAddress.Loopback, http2Port, l => l.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        // 251 * 4096 bytes: a multiple of the pattern period, so every chunk starts at pattern index 0.
        var chunk = PatternBlock(251 * 4096);
        app.MapGet("/hello", (HttpContext ctx) =>
        {
            ctx.Response.ContentLength = Hello.Length;
            ctx.Response.ContentType = "text/plain";
            return ctx.Response.Body.WriteAsync(Hello).AsTask();
        });
        app.MapGet("/slow", async (HttpContext ctx) =>
        {
            // Holds every response for 1 s (item 5).
            await Task.Delay(1000);
            ctx.Response.ContentLength = Hello.Length;
            await ctx.Response.Body.WriteAsync(Hello);
        });
        app.MapGet("/big", async (HttpContext ctx) =>
        {
            ctx.Response.ContentLength = BigSize;
            ctx.Response.ContentType = "application/octet-stream";
            long left = BigSize;
            while (left > 0)
            {
                int n = (int)Math.Min(left, chunk.Length);
                await ctx.Response.Body.WriteAsync(chunk.AsMemory(0, n));
                left -= n;
            }
        });
        app.MapPost("/upload", async (HttpContext ctx) =>
        {
            // Byte-exact check of the upload against the pattern; answers "ok <length>" or "bad <offset>".
            var buf = new byte[1 << 16];
            long pos = 0, bad = -1;
            int n;
            while ((n = await ctx.Request.Body.ReadAsync(buf)) > 0)
            {
                for (int i = 0; i < n && bad < 0; i++)
                    if (buf[i] != PatternAt(pos + i)) bad = pos + i;
                pos += n;
            }
            var text = bad >= 0 ? $"bad {bad}" : $"ok {pos}";
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync(text);
        });
        app.Run();
        return 0;
    }
}
