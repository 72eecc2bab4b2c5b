using System.Net.Sockets;

namespace LuaToolkit.Http;

/// <summary>
/// A connection's stream, tracked so the module can count open connections per remote and close one that
/// is idle. The handler owns it and disposes it when it drops the connection; the module may dispose it
/// earlier (closing an idle pooled connection), which the handler notices at its next use.
/// <para>
/// It is a <see cref="NetworkStream"/> because SocketsHttpHandler looks for one: it then checks an idle
/// connection with a socket poll before a synchronous request reuses it, instead of an asynchronous
/// read-ahead that would turn every synchronous read into an emulated one. The I/O itself goes through a
/// plain NetworkStream over the same socket: NetworkStream's span overloads fall back to Stream's
/// copy-through-a-rented-array versions in any derived type.
/// </para>
/// <para>
/// Asynchronous reads and writes made for a coroutine's request (a <see cref="RequestScope"/> with a loop)
/// go through the host's <see cref="LuaEventLoop"/> instead, so they complete on the Lua thread. Everything
/// else (synchronous requests, the handler's own checks of idle connections) uses the plain stream.
/// </para>
/// <para>
/// An HTTP/2 connection (<see cref="Multiplexed"/>) serves many requests at once from the handler's own read
/// and write loops, which carry the execution context of the request that opened it. So it belongs to no
/// request, never uses a loop, and closes with its generation.
/// </para>
/// </summary>
internal sealed class TrackedStream(Socket socket, string remote, HandlerGeneration generation, bool multiplexed, LoopSocket? attached = null)
    : NetworkStream(socket, ownsSocket: true)
{
    private readonly NetworkStream _io = new(socket, ownsSocket: false);
    private readonly object _gate = new();
    private RequestScope? _owner;
    private bool _everBound;
    private int _served;
    private bool _closeWhenIdle;
    private volatile bool _handshaking;
    private int _disposed;
    private LoopSocket? _loopSocket = attached;    // attached to its host's loop at connect or at first use
    // A cleartext HTTP/2 connection until the server's first byte: it has not answered the preface yet.
    private volatile bool _unanswered = multiplexed && remote.StartsWith("http:", StringComparison.Ordinal);

    /// <summary><c>scheme://host:port</c> of the remote.</summary>
    public string Remote { get; } = remote;

    public bool IsOpen => Volatile.Read(ref _disposed) == 0;

    /// <summary>An HTTP/2 connection: requests share it, and it is bound to none of them.</summary>
    public bool Multiplexed { get; } = multiplexed;

    /// <summary>
    /// Can take a request now: open, has served a request, and serves none now (it sits in the handler's
    /// pool); an HTTP/2 connection while it is open.
    /// </summary>
    public bool IsIdle
    {
        get { lock (_gate) return IsOpen && (Multiplexed || (_everBound && _owner is null)); }
    }

    /// <summary>
    /// Marks the connection to close once it serves no request (see <see cref="HandlerGeneration"/> for
    /// when an idle one may close). An HTTP/2 one may carry a request at any moment, so it closes with its
    /// generation, once the generation's last request is over.
    /// </summary>
    public void MarkToClose()
    {
        lock (_gate) _closeWhenIdle = true;
    }

    /// <summary>
    /// True when the connection is marked, open, HTTP/1.1, set up and serves no request: the caller closes it
    /// (under its generation's lock, with no request waiting for a connection). One still in its TLS handshake
    /// is the handler's, not idle.
    /// </summary>
    public bool TryClaimToClose()
    {
        lock (_gate) return _closeWhenIdle && !Multiplexed && _owner is null && !_handshaking && IsOpen;
    }

    /// <summary>
    /// The TLS handshake is under way (see <see cref="RequestScope.Handshaking"/>): its writes carry the
    /// execution context of the request whose flow opened the connection, but the handler may yet hand the
    /// connection to another request, and that request to another connection. So they bind no request.
    /// </summary>
    public void BeginHandshake() => _handshaking = true;

    /// <summary>The handler has the connection's plaintext stream: the next write is a request's.</summary>
    public void EndHandshake() => _handshaking = false;

    /// <summary>Called by the request that ends; a connection marked to close then closes, when it may.</summary>
    public void Release(RequestScope scope)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_owner, scope)) return;
            _owner = null;
            if (!_closeWhenIdle) return;
        }
        generation.CloseIfIdle(this);
    }

    private void Bind()
    {
        var scope = RequestScope.Current;
        if (scope is null || Multiplexed || _handshaking) return;
        bool first;
        lock (_gate)
        {
            if (ReferenceEquals(_owner, scope)) return;
            _owner = scope;
            _everBound = true;
            first = ++_served == 1;
        }
        scope.Connection = this;
        scope.ConnectionWasNew = first;
        scope.Place();
    }

    public override int Read(byte[] buffer, int offset, int count) => _io.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => _io.Read(buffer);

    public override int ReadByte() => _io.ReadByte();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        LoopIo() is { } io
            ? io.ReceiveAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask()
            : _io.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        LoopIo() is { } io ? io.ReceiveAsync(buffer, cancellationToken)
        : _unanswered ? ReadUnansweredAsync(buffer, cancellationToken)
        : _io.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count)
    {
        Bind();
        _io.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Bind();
        _io.Write(buffer);
    }

    public override void WriteByte(byte value)
    {
        Bind();
        _io.WriteByte(value);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Bind();
        return LoopIo() is { } io
            ? io.SendAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask()
            : _io.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Bind();
        return LoopIo() is { } io ? io.SendAsync(buffer, cancellationToken)
            : _unanswered ? WriteUnansweredAsync(buffer, cancellationToken)
            : _io.WriteAsync(buffer, cancellationToken);
    }

    // The handler's HTTP/2 connection reads and writes asynchronously only. Which of its read loop, its preface
    // and a request's first frames notices a close first is a race; the reason must not be.
    private async ValueTask<int> ReadUnansweredAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            int read = await _io.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read > 0) _unanswered = false;
            return read;
        }
        catch (Exception ex) when (_unanswered && ex is IOException or ObjectDisposedException)
        {
            throw Unanswered(ex);
        }
    }

    private async ValueTask WriteUnansweredAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await _io.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_unanswered && ex is IOException or ObjectDisposedException)
        {
            throw Unanswered(ex);
        }
    }

    private static HttpFailureException Unanswered(Exception ex) => new(HttpFailureReasons.ProtocolError,
        $"the server closed the connection before completing the HTTP/2 handshake ({(ex.InnerException ?? ex).Message})", ex);

    /// <summary>The socket attached to the current request's loop, or null to use the plain stream.</summary>
    private LoopSocket? LoopIo()
    {
        if (Multiplexed || RequestScope.Current?.Loop is not { } loop) return null;
        if (_loopSocket is { } attached) return attached;
        lock (_gate)
        {
            if (!IsOpen) return null;   // the plain stream reports the disposal
            return _loopSocket ??= loop.Attach(Socket);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            LoopSocket? attached;
            lock (_gate) attached = _loopSocket;
            attached?.Dispose();        // fails its pending operations; detaches before the socket closes
            base.Dispose(disposing);   // closes the socket
            if (disposing) _io.Dispose();
        }
        finally
        {
            generation.Forget(this);
        }
    }

    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
