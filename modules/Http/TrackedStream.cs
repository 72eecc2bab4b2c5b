namespace LuaToolkit.Http;

/// <summary>
/// A connection's stream, wrapped so the module can count open connections per remote and close one that
/// is idle. The handler owns it and disposes it when it drops the connection; the module may dispose it
/// earlier (closing an idle pooled connection), which the handler notices at its next use.
/// </summary>
internal sealed class TrackedStream(Stream inner, string remote, HandlerGeneration generation) : Stream
{
    private readonly object _gate = new();
    private RequestScope? _owner;
    private bool _everBound;
    private int _served;
    private bool _closeWhenIdle;
    private int _disposed;

    /// <summary><c>scheme://host:port</c> of the remote.</summary>
    public string Remote { get; } = remote;

    public bool IsOpen => Volatile.Read(ref _disposed) == 0;

    /// <summary>Open, has served a request, and serves none now: it sits in the handler's pool.</summary>
    public bool IsIdle
    {
        get { lock (_gate) return IsOpen && _everBound && _owner is null; }
    }

    /// <summary>Closes the connection now if idle, else as soon as the request it serves is over.</summary>
    public void CloseWhenIdle()
    {
        lock (_gate)
        {
            if (!_everBound || _owner is not null)
            {
                _closeWhenIdle = true;
                return;
            }
        }
        Dispose();
    }

    /// <summary>Called by the request that ends; closes the connection if it was asked to close when idle.</summary>
    public void Release(RequestScope scope)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_owner, scope)) return;
            _owner = null;
            if (!_closeWhenIdle) return;
        }
        Dispose();
    }

    private void Bind()
    {
        var scope = RequestScope.Current;
        if (scope is null) return;
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
    }

    public override bool CanRead => inner.CanRead;
    public override bool CanWrite => inner.CanWrite;
    public override bool CanSeek => false;
    public override bool CanTimeout => inner.CanTimeout;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count)
    {
        Bind();
        inner.Write(buffer, offset, count);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Bind();
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Bind();
        return inner.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Bind();
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (disposing) inner.Dispose();
        }
        finally
        {
            generation.Forget(this);
            base.Dispose(disposing);
        }
    }

    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
