using System.Net.Http;
using System.Net.Security;

namespace LuaToolkit.Http;

/// <summary>
/// The connections of one module instance: a current handler generation whose keep-alive connections are
/// shared by requests (several per remote, so concurrent requests run in parallel), one-off generations for
/// requests that must open a connection of their own, and retired generations draining after
/// <see cref="CloseConnectionsAsync"/>.
/// </summary>
internal sealed class ConnectionPool : IDisposable
{
    private readonly object _gate = new();
    private readonly AddressConnector _connector;
    private readonly RemoteCertificateValidationCallback? _certificateCheck;
    private readonly HashSet<HandlerGeneration> _live = [];
    private HandlerGeneration _current;
    private bool _disposed;

    public ConnectionPool(AddressConnector connector, RemoteCertificateValidationCallback? certificateCheck = null)
    {
        _connector = connector;
        _certificateCheck = certificateCheck;
        _current = NewGeneration();
    }

    /// <summary>
    /// Counts a request into a generation: the shared one, or with <paramref name="oneOff"/> a fresh handler
    /// whose only connection is closed when the request ends. <paramref name="awaitsConnection"/>: see
    /// <see cref="HandlerGeneration.TryEnter"/>.
    /// </summary>
    public Lease Rent(bool oneOff, bool awaitsConnection)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!oneOff && _current.TryEnter(awaitsConnection)) return new Lease(_current, awaitsConnection);
            var generation = NewGeneration();
            generation.TryEnter(awaitsConnection);
            if (oneOff) generation.Retire();
            else _current = generation;     // the current one was disposed under us: replace it
            return new Lease(generation, awaitsConnection);
        }
    }

    /// <summary>Whether a keep-alive connection to <paramref name="remote"/> is open in the shared pool.</summary>
    public bool HasConnection(string remote)
    {
        lock (_gate) return !_disposed && _current.HasConnection(remote);
    }

    /// <summary>
    /// Whether the shared pool has a connection to <paramref name="remote"/> that a request can take now: an
    /// idle HTTP/1.1 one, or (<paramref name="multiplexed"/>) an open HTTP/2 one.
    /// </summary>
    public bool HasIdleConnection(string remote, bool multiplexed)
    {
        lock (_gate) return !_disposed && _current.HasIdleConnection(remote, multiplexed);
    }

    /// <summary>
    /// Starts a new shared generation (later requests pool again) and retires every other one: idle
    /// connections close now, requests in flight finish without their connections being pooled. Completes
    /// when those requests are over and their connections closed.
    /// </summary>
    public Task CloseConnectionsAsync()
    {
        HandlerGeneration[] draining;
        lock (_gate)
        {
            if (_disposed) return Task.CompletedTask;
            draining = [.. _live];
            _current = NewGeneration();
        }
        foreach (var generation in draining) generation.Retire();
        return Task.WhenAll(draining.Select(g => g.Drained));
    }

    /// <summary>Closes every connection; requests still in flight fail (their callers are cancelled first).</summary>
    public void Dispose()
    {
        HandlerGeneration[] all;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            all = [.. _live];
        }
        foreach (var generation in all) generation.Dispose();
    }

    private HandlerGeneration NewGeneration()
    {
        var generation = new HandlerGeneration(_connector, _certificateCheck, OnDisposed);
        _live.Add(generation);
        return generation;
    }

    private void OnDisposed(HandlerGeneration generation)
    {
        lock (_gate) _live.Remove(generation);
    }

    /// <summary>A request's hold on a generation; disposing it counts the request out.</summary>
    public sealed class Lease(HandlerGeneration generation, bool awaitsConnection) : IDisposable
    {
        private int _released;

        public HttpMessageInvoker Invoker => generation.Invoker;

        /// <summary>The generation to tell when the request is on a connection; null when it need not be told.</summary>
        public HandlerGeneration? AwaitingConnectionIn => awaitsConnection ? generation : null;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) generation.Exit();
        }
    }
}
