using System.Net;
using System.Net.Sockets;

namespace LuaToolkit.Http.Tests.Infrastructure;

/// <summary>
/// A TCP server on 127.0.0.1 that resets every connection as soon as it accepts it: the client's connect
/// succeeds, and its first write or read fails (or its asynchronous connect reports the reset).
/// </summary>
public sealed class ResettingServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();

    public ResettingServer()
    {
        _listener.Start();
        _ = AcceptLoop.RunAsync(_listener, _stop.Token, client =>
        {
            client.Client.LingerState = new LingerOption(true, 0);   // close with a reset
            client.Dispose();
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
