using System.Net.Sockets;

namespace LuaToolkit.Http.Tests.Infrastructure;

/// <summary>The accept loop of the tests' raw TCP servers.</summary>
public static class AcceptLoop
{
    /// <summary>Hands each accepted connection to <paramref name="accepted"/> until <paramref name="stop"/> or the listener stops.</summary>
    public static async Task RunAsync(TcpListener listener, CancellationToken stop, Action<TcpClient> accepted)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception)
            {
                return;   // stopped
            }
            accepted(client);
        }
    }
}
