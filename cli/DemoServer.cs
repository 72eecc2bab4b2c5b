using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LuaToolkit.Cli;

/// <summary>A tiny httpbin-like server on 127.0.0.1 for the demo: /anything echoes the request,
/// /delay/{ms} answers late.</summary>
internal sealed class DemoServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DemoServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<DemoServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Map("/anything/{**rest}", Echo);
        app.Map("/delay/{ms:int}", async (int ms, HttpContext ctx) =>
        {
            await Task.Delay(ms, ctx.RequestAborted);
            return Results.Text($"waited {ms} ms\n");
        });
        await app.StartAsync();
        string url = app.Urls.First().TrimEnd('/');
        return new DemoServer(app, url);
    }

    private static async Task Echo(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        string body = await reader.ReadToEndAsync();
        var echo = new Dictionary<string, object>
        {
            ["method"] = ctx.Request.Method,
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
