using System.Net;
using System.Net.Sockets;

namespace LuaToolkit.Http.Tests.Infrastructure;

/// <summary>
/// A TCP relay on 127.0.0.1 to a local port that holds back what the server sends on one of its connections
/// (the <c>stalled</c>-th it accepts) until <see cref="Release"/>: a test stalls a TLS handshake with it.
/// </summary>
public sealed class StallingRelay : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly ServerSignal _signal = new();
    private readonly int _target;
    private readonly int _stalled;
    private int _accepted;

    public StallingRelay(int targetPort, int stalled)
    {
        _target = targetPort;
        _stalled = stalled;
        _listener.Start();
        _ = AcceptLoop.RunAsync(_listener, _stop.Token, client =>
        {
            bool stall = Interlocked.Increment(ref _accepted) == _stalled;
            _signal.Pulse();
            _ = RelayAsync(client, stall);
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref _accepted);

    public Task<bool> WaitUntilAsync(Func<StallingRelay, bool> condition, int timeoutMs = 5000) =>
        _signal.WaitUntilAsync(() => condition(this), timeoutMs);

    /// <summary>Lets the stalled connection's server bytes through.</summary>
    public void Release() => _released.TrySetResult();

    public void Dispose()
    {
        Release();
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task RelayAsync(TcpClient client, bool stall)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                var up = CopyAsync(client.GetStream(), server.GetStream(), null);
                var down = CopyAsync(server.GetStream(), client.GetStream(), stall ? _released.Task : null);
                await Task.WhenAny(up, down);   // either side closed: close both
            }
            catch (Exception)
            {
                // the relay is stopping
            }
        }
    }

    private async Task CopyAsync(Stream from, Stream to, Task? gate)
    {
        try
        {
            if (gate is not null) await gate;
            await from.CopyToAsync(to, _stop.Token);
        }
        catch (Exception)
        {
            // one side went away
        }
    }
}
