using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Security;
using LuaToolkit;
using HttpResult = (LuaToolkit.LuaStringBuffer Body, int Status, System.Collections.Generic.Dictionary<string, string> Headers, string StatusText);

namespace LuaToolkit.Http;

/// <summary>
/// The <c>http</c> module (also <c>pluto:http</c>): Pluto's <c>request</c>, <c>hasconnection</c> and
/// <c>closeconnections</c> for Lua 5.4. One instance per Lua state owns its connections; disposing it (the
/// host does, with the state) closes them and cancels what is in flight.
/// <para>
/// Inside a coroutine a request yields while its socket I/O waits in the host's event loop (on the thread
/// pool where the host has none). Outside one it blocks, and does its I/O synchronously on the calling
/// thread. Either way the response reaches the script with no thread hand-over. Both kinds share one pool.
/// </para>
/// </summary>
[LuaModule("http", Aliases = ["pluto:http"])]
public sealed partial class HttpModule : IDisposable
{
    /// <summary>How long one connect attempt to one address may take before the next address is tried.</summary>
    public static readonly TimeSpan ConnectAttemptTimeout = TimeSpan.FromSeconds(10);

    // Beyond this many seconds a timeout is no limit at all (and CancelAfter could not represent it).
    private const double NoLimitSeconds = 1e7;

    private readonly ConnectionPool _pool;
    private readonly UrlCache _urls = new();
    private readonly CancellationTokenSource _disposed = new();

    public HttpModule() : this(null) { }

    /// <param name="resolver">Resolves host names; <c>null</c> for the system resolver (hosts file honoured).</param>
    public HttpModule(Func<string, CancellationToken, Task<IPAddress[]>>? resolver) : this(resolver, ConnectAttemptTimeout) { }

    /// <param name="certificateCheck">Replaces the system's check of server certificates (tests trust their own).</param>
    internal HttpModule(Func<string, CancellationToken, Task<IPAddress[]>>? resolver, TimeSpan connectAttemptTimeout,
        RemoteCertificateValidationCallback? certificateCheck = null)
    {
        _pool = new ConnectionPool(new AddressConnector(resolver ?? AddressConnector.SystemResolve, connectAttemptTimeout), certificateCheck);
    }

    /// <summary><c>http.request(url [, opts])</c>: <c>opts.url</c> is ignored.</summary>
    [LuaFunction("request")]
    public Task<LuaResult<HttpResult>> RequestAsync(LuaCaller caller, string url, RequestOptions? options = null, CancellationToken cancellation = default) =>
        StartRequest(url, options ?? new RequestOptions(), caller, cancellation);

    /// <summary><c>http.request(opts)</c> with <c>opts.url</c>.</summary>
    [LuaFunction("request")]
    public Task<LuaResult<HttpResult>> RequestAsync(LuaCaller caller, RequestOptions options, CancellationToken cancellation = default) =>
        StartRequest(options.Url ?? throw new ArgumentException("Table is missing 'url' option"), options, caller, cancellation);

    /// <summary>
    /// <c>http.hasconnection(url)</c>: whether a keep-alive connection to the URL's scheme, host and port is
    /// open in the pool (the rest of the URL does not matter).
    /// </summary>
    [LuaFunction("hasconnection")]
    public bool HasConnection(string url) =>
        _urls.TryParse(url, out var uri) is null && _pool.HasConnection(RemoteKey.For(uri));

    /// <summary>
    /// <c>http.closeconnections()</c>, only inside a coroutine: closes idle pooled connections, lets requests
    /// in flight finish without pooling their connections, and returns (nothing) once they have. Later
    /// requests pool again.
    /// </summary>
    [LuaFunction("closeconnections")]
    public Task CloseConnectionsAsync(LuaCaller caller)
    {
        if (!caller.IsYieldable) throw new InvalidOperationException("http.closeconnections must be called inside a coroutine");
        return _pool.CloseConnectionsAsync();
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested) return;
        _disposed.Cancel();
        _pool.Dispose();
    }

    /// <summary>
    /// Checks and builds the request, then sends it. A caller outside a coroutine waits anyway, so its I/O is
    /// done synchronously on its thread and the returned task is complete: the response wakes that thread
    /// directly. A coroutine's request does its socket I/O through the host's event loop, so it completes on
    /// the Lua thread while the scheduler waits, with no hand-over from the thread pool (see bench/README.md).
    /// </summary>
    private Task<LuaResult<HttpResult>> StartRequest(string url, RequestOptions options, LuaCaller caller, CancellationToken cancellation)
    {
        bool sent = false;
        try
        {
            bool blocking = !caller.IsYieldable;
            // An HTTP/2 connection is shared by requests and reads and writes from loops of its own, so its
            // I/O is neither synchronous nor tied to one host's event loop: a blocking HTTP/2 request waits
            // on its task like any other blocking call of a Task-returning function.
            bool sync = blocking && !options.Http2;
            // Script mistakes raise before anything is sent; network outcomes come back as nil, reason, detail.
            HttpRequestBuilder.CheckUrl(url);
            HttpRequestBuilder.CheckOptions(options);
            if (_urls.TryParse(url, out var uri) is { } failure)
                return Task.FromResult<LuaResult<HttpResult>>(failure);
            var request = HttpRequestBuilder.Build(uri, options, sync);
            var loop = blocking || options.Http2 ? null : caller.Host.EventLoop;
            var response = SendAsync(request, options, async: !sync, loop, cancellation);
            sent = true;
            return response;
        }
        finally
        {
            // Once sent, the body's lease ends with the request (SendAsync); a request never sent ends it here.
            if (!sent) options.Body?.Dispose();
        }
    }

    /// <summary>
    /// Sends a request and reads its response. With <paramref name="async"/> false every step is synchronous
    /// (and the returned task is complete). With it true and a <paramref name="loop"/>, the request starts
    /// here and its socket I/O completes wherever the loop is pumped (the Lua thread). An HTTP/2 request
    /// also starts here: it is queued to its connection's own loops at its first await. Any other request
    /// without a loop starts on the thread pool, so the Lua thread returns at once to its other coroutines.
    /// </summary>
    private async Task<LuaResult<HttpResult>> SendAsync(ModuleRequest request, RequestOptions options, bool async, LuaEventLoop? loop, CancellationToken cancellation)
    {
        using var _ = request;
        using var body = options.Body; // the Lua string is read until here, no longer
        // A hop to the pool first would cost an HTTP/2 request a work item for nothing: 16 and 64 coroutines
        // ran 0.56x and 0.67x HttpClient with it, 0.76x and 0.84x without (bench/README.md, item 3).
        if (async && loop is null && !options.Http2) await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation, _disposed.Token);
        if (options.Timeout < NoLimitSeconds) timeout.CancelAfter(TimeSpan.FromSeconds(options.Timeout));

        // A request that must not use or leave a pooled connection gets a handler of its own.
        bool oneOff = options.DontReuse
            || (options.DontMakeReusable && !_pool.HasIdleConnection(RemoteKey.For(request.RequestUri!), options.Http2));
        if (oneOff && !HttpRequestBuilder.HasConnectionHeader(options)) request.Headers.ConnectionClose = true;

        using var lease = _pool.Rent(oneOff, awaitsConnection: !options.Http2);
        var scope = new RequestScope { Loop = loop, AwaitingConnectionIn = lease.AwaitingConnectionIn };
        RequestScope.Current = scope;
        try
        {
            using var response = async
                ? await lease.Invoker.SendAsync(request, timeout.Token).ConfigureAwait(false)
                : lease.Invoker.Send(request, timeout.Token);
            return await HttpResponseReader.ReadAsync(response, async, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception) when (timeout.IsCancellationRequested && !cancellation.IsCancellationRequested && !_disposed.IsCancellationRequested)
        {
            return LuaFailure.Of(HttpFailureReasons.RequestTimedOut, string.Create(CultureInfo.InvariantCulture, $"no complete response within {options.Timeout:0.###} s"));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HttpFailures.FromException(ex, options.Http2);
        }
        finally
        {
            // The response is disposed: its connection went back to the pool (or was closed). One opened
            // for a dont_make_reusable request (the shared pool may open one if its idle one was taken) closes.
            if (options.DontMakeReusable && scope.ConnectionWasNew) scope.Connection?.MarkToClose();
            scope.Release();
        }
    }
}
