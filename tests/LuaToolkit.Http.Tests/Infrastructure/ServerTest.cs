namespace LuaToolkit.Http.Tests.Infrastructure;

/// <summary>A test class with a fresh loopback server and a fresh Lua host with the http module per test.</summary>
public abstract class ServerTest(RequestMode mode = RequestMode.Blocking) : IAsyncLifetime
{
    protected TestHttpServer _server = null!;
    protected readonly LuaHttp _lua = new(mode: mode);

    public async Task InitializeAsync() => _server = await TestHttpServer.StartAsync();

    public async Task DisposeAsync()
    {
        _lua.Dispose();
        await _server.DisposeAsync();
    }
}
