using System.Net.Http;

namespace LuaToolkit.Http;

/// <summary>
/// A request as the module sends it, carrying what the connect callback needs to know when the request
/// opens a connection (SocketsHttpHandler hands the connector this very instance). Plain fields instead of
/// <see cref="HttpRequestMessage.Options"/>, which would allocate a dictionary and a box per request.
/// </summary>
internal sealed class ModuleRequest(HttpMethod method, Uri uri) : HttpRequestMessage(method, uri)
{
    /// <summary>Try IPv6 addresses before IPv4 ones (<c>prefer_ipv6</c>).</summary>
    public bool PreferIpv6 { get; init; }

    /// <summary>
    /// Sent synchronously: a connection it opens is connected with a blocking connect, so the socket stays in
    /// blocking mode and later synchronous reads are plain blocking reads (a socket that has seen an
    /// asynchronous operation has its synchronous ones emulated by .NET, at an extra thread hand-over).
    /// </summary>
    public bool Blocking { get; init; }
}
