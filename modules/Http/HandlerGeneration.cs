using System.Net;
using System.Net.Http;
using System.Net.Security;
using System.Text;

namespace LuaToolkit.Http;

/// <summary>
/// One <see cref="SocketsHttpHandler"/> (its own connection pool) with the connections it opened and the
/// requests it is serving. A retired generation takes no new request, closes its connections as they become
/// idle, and disposes the handler when the last request is over.
/// <para>
/// The rule for closing a connection that serves no request: the handler may already have handed it to a
/// request of this generation that waits for a connection, and that request writes to it only later, so
/// closing it then would fail the request. A marked connection is therefore closed only while no HTTP/1.1
/// request of the generation waits to be placed, decided under this generation's lock (which also counts
/// requests in), and otherwise once the last one is placed.
/// </para>
/// </summary>
internal sealed class HandlerGeneration : IDisposable
{
    private readonly object _gate = new();
    private readonly HashSet<TrackedStream> _connections = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<HandlerGeneration> _onDisposed;
    private int _inFlight;
    private int _unplaced;      // HTTP/1.1 requests counted in that no connection has carried yet
    private bool _closeDeferred; // a marked idle connection waits for _unplaced to reach 0
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
            // Called once a connection is set up (after TLS), in the flow that connected it.
            PlaintextStreamFilter = (context, _) =>
            {
                RequestScope.Current?.EndHandshake();
                return ValueTask.FromResult(context.PlaintextStream);
            },
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
    /// When it was the last to wait, the idle connections marked to close meanwhile close.
    /// </summary>
    public void Placed()
    {
        lock (_gate)
        {
            if (--_unplaced > 0 || !_closeDeferred) return;
            CloseMarkedIdle();
        }
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
    /// Stops taking requests and marks every connection to close when idle: the idle ones close now (or
    /// once no request waits for a connection), busy ones when their request ends.
    /// </summary>
    public void Retire()
    {
        lock (_gate)
        {
            if (_retired) return;
            _retired = true;
            if (_inFlight > 0)
            {
                foreach (var connection in _connections) connection.MarkToClose();
                CloseMarkedIdle();
                return;
            }
        }
        Dispose();
    }

    /// <summary>
    /// <paramref name="connection"/>, marked to close, serves no request any more: closes it now if no
    /// request waits for a connection, else once none does.
    /// </summary>
    public void CloseIfIdle(TrackedStream connection)
    {
        lock (_gate)
        {
            if (_unplaced > 0) _closeDeferred = true;
            else if (connection.TryClaimToClose()) connection.Dispose();
        }
    }

    // Under the lock, so no request can be counted in (and handed a connection) before the close is done.
    // Disposing an idle connection runs no request's code: nothing is pending on it while no request waits.
    private void CloseMarkedIdle()
    {
        if (_disposed) return;
        if (_unplaced > 0)
        {
            _closeDeferred = true;
            return;
        }
        _closeDeferred = false;
        foreach (var connection in _connections.ToArray())
            if (connection.TryClaimToClose()) connection.Dispose();
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
                // Opened for a request of a retired generation: it closes when a request it carries is over,
                // unused once no request waits for a connection any more (or with the generation). Not here:
                // the handler has yet to take it.
                if (_retired)
                {
                    connection.MarkToClose();
                    if (_unplaced > 0) _closeDeferred = true;
                }
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
