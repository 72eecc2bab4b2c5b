namespace LuaToolkit.Http;

/// <summary>The identity of a remote for pooling: scheme, host and port (nothing else of the URL counts).</summary>
internal static class RemoteKey
{
    public static string For(Uri uri) =>
        $"{uri.Scheme.ToLowerInvariant()}://{uri.IdnHost.ToLowerInvariant()}:{uri.Port}";
}
