using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace LuaToolkit.Http.Tests.Infrastructure;

/// <summary>
/// A Kestrel server on loopback that counts the connections it accepts and sees closed (connection
/// middleware), with the endpoints the tests use. Tests add their own with <see cref="Map"/>.
/// </summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly Dictionary<string, RequestDelegate> _routes = [];
    private readonly ServerSignal _signal = new();
    private WebApplication _app = null!;
    private int _accepted;
    private int _closed;

    private TestHttpServer() { }

    public int Port { get; private set; }

    /// <summary>The certificate it serves TLS with, or null for plain HTTP.</summary>
    public X509Certificate2? Certificate { get; private set; }

    public string BaseUrl => $"{(Certificate is null ? "http" : "https")}://127.0.0.1:{Port}";

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections that have ended (closed by either side).</summary>
    public int Closed => Volatile.Read(ref _closed);

    /// <summary>Connections open now.</summary>
    public int Open => Accepted - Closed;

    /// <summary>An HTTP/1.1 server on 127.0.0.1 (or the given addresses, all on one port).</summary>
    public static Task<TestHttpServer> StartAsync(params IPAddress[] addresses) =>
        StartAsync(HttpProtocols.Http1, null, addresses.Length == 0 ? [IPAddress.Loopback] : addresses);

    /// <summary>
    /// A server on 127.0.0.1 speaking <paramref name="protocols"/>, over TLS with <paramref name="certificate"/>
    /// if given. Without TLS Kestrel serves HTTP/2 only to a client that speaks it from the first byte, and
    /// only on an endpoint that speaks nothing else.
    /// </summary>
    public static Task<TestHttpServer> StartAsync(HttpProtocols protocols, X509Certificate2? certificate = null) =>
        StartAsync(protocols, certificate, [IPAddress.Loopback]);

    private static async Task<TestHttpServer> StartAsync(HttpProtocols protocols, X509Certificate2? certificate, IPAddress[] addresses)
    {
        for (int attempt = 0; ; attempt++)
        {
            var server = new TestHttpServer { Certificate = certificate };
            try
            {
                await server.StartCoreAsync(addresses, addresses.Length == 1 ? 0 : FreePort(addresses[0]), protocols);
                return server;
            }
            catch (IOException) when (attempt < 20)
            {
                await server.DisposeAsync();   // the port was taken on another address: try another
            }
        }
    }

    /// <summary>Adds or replaces an endpoint.</summary>
    public void Map(string path, RequestDelegate handler)
    {
        lock (_routes) _routes[path] = handler;
    }

    /// <summary>
    /// Maps <paramref name="path"/> to a request that is never answered: <c>Started</c> completes when it
    /// arrives, <c>Aborted</c> when the client gives it up (a reset stream or a closed connection).
    /// </summary>
    public (Task Started, Task Aborted) MapHeld(string path)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Map(path, async context =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                aborted.TrySetResult();
            }
        });
        return (started.Task, aborted.Task);
    }

    /// <summary>Waits until <paramref name="condition"/> holds (re-checked at each connection event).</summary>
    public Task<bool> WaitUntilAsync(Func<TestHttpServer, bool> condition, int timeoutMs = 5000) =>
        _signal.WaitUntilAsync(() => condition(this), timeoutMs);

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private async Task StartCoreAsync(IPAddress[] addresses, int port, HttpProtocols protocols)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.RequestHeaderEncodingSelector = _ => Encoding.UTF8;
            foreach (var address in addresses)
                kestrel.Listen(address, port, listen =>
                {
                    listen.Protocols = protocols;
                    if (Certificate is not null) listen.UseHttps(Certificate);
                    listen.Use(next => async connection =>
                    {
                        Interlocked.Increment(ref _accepted);
                        _signal.Pulse();
                        try
                        {
                            await next(connection);
                        }
                        finally
                        {
                            Interlocked.Increment(ref _closed);
                            _signal.Pulse();
                        }
                    });
                });
        });
        _app = builder.Build();
        _app.Run(Dispatch);
        await _app.StartAsync();
        Port = port != 0 ? port : new Uri(_app.Urls.First()).Port;
    }

    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private Task Dispatch(HttpContext context)
    {
        RequestDelegate? custom;
        lock (_routes) _routes.TryGetValue(context.Request.Path.Value ?? "", out custom);
        if (custom is not null) return custom(context);
        return context.Request.Path.Value switch
        {
            "/inspect" => Inspect(context),
            "/echo" => Echo(context),
            "/bytes" => context.Response.Body.WriteAsync(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray()).AsTask(),
            "/headers" => Headers(context),
            "/reason" => Reason(context),
            "/missing" => Status(context, 404, "no such thing"),
            "/redirect" => Redirect(context),
            "/gzip" or "/deflate" or "/br" => Compressed(context, context.Request.Path.Value![1..]),
            "/delay" => Delay(context),
            "/local" => context.Response.WriteAsync(context.Connection.LocalIpAddress!.ToString()),
            "/protocol" => context.Response.WriteAsync(context.Request.Protocol),
            _ => context.Response.WriteAsync("hello"),
        };
    }

    /// <summary>The request as JSON: method, Content-Length header (or null), body length, body text, headers.</summary>
    private static async Task Inspect(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var info = new RequestInfo(
            context.Request.Method,
            context.Request.Headers.ContentLength?.ToString(),
            (int)body.Length,
            Encoding.UTF8.GetString(body.ToArray()),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()));
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(info));
    }

    private static async Task Echo(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body.ToArray());
    }

    private static Task Headers(HttpContext context)
    {
        context.Response.Headers.Append("x-custom-thing", "value");
        context.Response.Headers.Append("x-dup", "a");
        context.Response.Headers.Append("x-dup", "b");
        context.Response.Headers.Append("set-cookie", "a=1");
        context.Response.Headers.Append("set-cookie", "b=2");
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync("h");
    }

    private static Task Reason(HttpContext context)
    {
        context.Response.StatusCode = 200;
        context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = "Totally Fine";
        return context.Response.WriteAsync("r");
    }

    private static Task Status(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsync(body);
    }

    private static Task Redirect(HttpContext context)
    {
        context.Response.StatusCode = 302;
        context.Response.Headers.Location = "/target";
        return context.Response.WriteAsync("moved");
    }

    private static async Task Compressed(HttpContext context, string coding)
    {
        byte[] plain = Encoding.UTF8.GetBytes($"hello {coding} " + new string('x', 200));
        using var packed = new MemoryStream();
        await using (Stream encoder = coding switch
        {
            "gzip" => new GZipStream(packed, CompressionLevel.Optimal, leaveOpen: true),
            "br" => new BrotliStream(packed, CompressionLevel.Optimal, leaveOpen: true),
            _ => new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true),
        })
        {
            await encoder.WriteAsync(plain);
        }
        context.Response.Headers.ContentEncoding = coding;
        context.Response.ContentLength = packed.Length;
        await context.Response.Body.WriteAsync(packed.ToArray());
    }

    private static async Task Delay(HttpContext context)
    {
        int ms = int.Parse(context.Request.Query["ms"].ToString());
        try
        {
            await Task.Delay(ms, context.RequestAborted);
            await context.Response.WriteAsync("done");
        }
        catch (OperationCanceledException)
        {
            // the client gave up
        }
    }
}

/// <summary>What <c>/inspect</c> reports about a request.</summary>
public sealed record RequestInfo(string Method, string? ContentLength, int BodyLength, string Body, Dictionary<string, string> Headers)
{
    public static RequestInfo Parse(object? json) => JsonSerializer.Deserialize<RequestInfo>((string)json!)!;

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
