using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Text;

namespace LuaToolkit.Http;

/// <summary>
/// One <see cref="SocketsHttpHandler"/> (its own connection pool) with the connections it opened and the
/// requests it is serving. A retired generation takes no new request, closes its idle connections as soon as
/// none of its requests still waits to be placed on a connection, the others as their requests end, and
/// disposes the handler when the last request is over.
/// </summary>
internal sealed class HandlerGeneration : IDisposable
{
    private readonly object _gate = new();
    private readonly HashSet<TrackedStream> _connections = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<HandlerGeneration> _onDisposed;
    private int _inFlight;
    private int _unplaced;      // HTTP/1.1 requests counted in that no connection has carried yet
    private bool _retired;
    private bool _disposed;

    public HandlerGeneration(AddressConnector connector, RemoteCertificateValidationCallback? certificateCheck, Action<HandlerGeneration> onDisposed)
    {
        _onDisposed = onDisposed;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            // Decoding is done by HttpResponseReader, so user-supplied Accept-Encoding goes out unchanged.
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
            // A server caps the streams of one HTTP/2 connection (Kestrel: 100); more requests open more.
            EnableMultipleHttp2Connections = true,
            ConnectCallback = (context, token) => connector.ConnectAsync(context, this, token),
            // Lua strings are bytes; UTF-8 keeps header values that are valid UTF-8 byte for byte.
            RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
            ResponseHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        };
        if (certificateCheck is not null) handler.SslOptions.RemoteCertificateValidationCallback = certificateCheck;
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public HttpMessageInvoker Invoker { get; }

    /// <summary>Completes when the generation is disposed: every request over, every connection closed.</summary>
    public Task Drained => _drained.Task;

    /// <summary>
    /// Counts a request in; false when the generation is retired or disposed. With
    /// <paramref name="awaitsConnection"/> (HTTP/1.1) the request also counts as not yet placed on a
    /// connection until it calls <see cref="Placed"/>.
    /// </summary>
    public bool TryEnter(bool awaitsConnection)
    {
        lock (_gate)
        {
            if (_retired || _disposed) return false;
            _inFlight++;
            if (awaitsConnection) _unplaced++;
            return true;
        }
    }

    /// <summary>
    /// A request counted in with <c>awaitsConnection</c> has written to a connection, or ended without one.
    /// Until every such request has, a retired generation keeps its idle connections open: the handler may
    /// already have handed one of them to a request that has not written yet, and closing it then would fail
    /// a request in flight. When the last one is placed, the idle connections close.
    /// </summary>
    public void Placed()
    {
        TrackedStream[] connections;
        lock (_gate)
        {
            if (--_unplaced > 0 || !_retired || _disposed) return;
            connections = [.. _connections];
        }
        foreach (var connection in connections) connection.CloseWhenIdle();
    }

    /// <summary>Counts a request out (after its response was read and disposed).</summary>
    public void Exit()
    {
        lock (_gate)
        {
            if (--_inFlight > 0 || !_retired) return;
        }
        Dispose();
    }

    /// <summary>
    /// Stops taking requests; closes idle connections now (or once every request in flight is on a
    /// connection, see <see cref="Placed"/>), busy ones when their request ends.
    /// </summary>
    public void Retire()
    {
        TrackedStream[]? open;
        bool idleNow;
        lock (_gate)
        {
            if (_retired) return;
            _retired = true;
            open = _inFlight > 0 ? [.. _connections] : null;
            idleNow = _unplaced == 0;
        }
        if (open is null)
        {
            Dispose();
            return;
        }
        foreach (var connection in open) connection.CloseWhenIdle(idleNow);
    }

    /// <summary>Whether an open connection to <paramref name="remote"/> belongs to this generation.</summary>
    public bool HasConnection(string remote)
    {
        lock (_gate) return _connections.Any(c => c.Remote == remote && c.IsOpen);
    }

    /// <summary>Whether a connection to <paramref name="remote"/> of the kind asked for can take a request now.</summary>
    public bool HasIdleConnection(string remote, bool multiplexed)
    {
        lock (_gate) return _connections.Any(c => c.Remote == remote && c.Multiplexed == multiplexed && c.IsIdle);
    }

    /// <summary>Registers a connection the connect callback opened; closes it if the generation is gone.</summary>
    public void Track(TrackedStream connection)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _connections.Add(connection);
                return;
            }
        }
        connection.Dispose();
    }

    public void Forget(TrackedStream connection)
    {
        lock (_gate) _connections.Remove(connection);
    }

    /// <summary>Disposes the handler (closing its connections, failing its requests) and completes <see cref="Drained"/>.</summary>
    public void Dispose()
    {
        TrackedStream[] connections;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _retired = true;
            connections = [.. _connections];
        }
        try
        {
            Invoker.Dispose();
            foreach (var connection in connections) connection.Dispose();
        }
        finally
        {
            _drained.TrySetResult();
            _onDisposed(this);
        }
    }
}
