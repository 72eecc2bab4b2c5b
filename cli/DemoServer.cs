using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace LuaToolkit.Cli;

/// <summary>A tiny httpbin-like server on 127.0.0.1 for the demo: /anything echoes the request,
/// /delay/{ms} answers late. A second port serves the same over HTTP/2 without TLS.</summary>
internal sealed class DemoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DemoServer(WebApplication app, string baseUrl, string http2BaseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Http2BaseUrl = http2BaseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>The port that speaks only HTTP/2 (Kestrel serves cleartext HTTP/2 on no other kind).</summary>
    public string Http2BaseUrl { get; }

    public static async Task<DemoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions http1 = null!, http2 = null!;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, 0, l => http1 = l);
            k.Listen(System.Net.IPAddress.Loopback, 0, l => { l.Protocols = HttpProtocols.Http2; http2 = l; });
        });
        var app = builder.Build();
        app.Map("/anything/{**rest}", Echo);
        app.Map("/delay/{ms:int}", async (int ms, HttpContext ctx) =>
        {
            await Task.Delay(ms, ctx.RequestAborted);
            return Results.Text($"waited {ms} ms\n");
        });
        await app.StartAsync();
        // Kestrel writes the port it bound back into each endpoint's options.
        return new DemoServer(app, $"http://127.0.0.1:{http1.IPEndPoint!.Port}", $"http://127.0.0.1:{http2.IPEndPoint!.Port}");
    }

    private static async Task Echo(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync();
        var echo = new Dictionary<string, object>
        {
            ["method"] = ctx.Request.Method,
            ["protocol"] = ctx.Request.Protocol,
            ["url"] = ctx.Request.Path + ctx.Request.QueryString,
            ["headers"] = ctx.Request.Headers.OrderBy(h => h.Key).ToDictionary(h => h.Key, h => h.Value.ToString()),
            ["data"] = body,
        };
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(echo, new JsonSerializerOptions { WriteIndented = true }));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
