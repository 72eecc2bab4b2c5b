using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using LuaToolkit;

namespace LuaToolkit.Http;

/// <summary>
/// Turns a URL and <see cref="RequestOptions"/> into an <see cref="HttpRequestMessage"/> with Pluto's rules:
/// default GET; a body sets Content-Length and turns GET into POST; any other method without a body sends
/// <c>Content-Length: 0</c>; user headers replace the defaults of the same name, case-insensitively.
/// Script mistakes (CR or LF in the URL or a header value, a bad method) throw, which raises a Lua error.
/// </summary>
internal static class HttpRequestBuilder
{
    public const string UserAgent = "LuaToolkit-http/1.0";
    public const string AcceptEncoding = "deflate, gzip, br";

    /// <summary>Raises <c>URL can't contain CR or LF</c>.</summary>
    public static void CheckUrl(string url)
    {
        if (url.AsSpan().IndexOfAny('\r', '\n') >= 0) throw new ArgumentException("URL can't contain CR or LF");
    }

    /// <summary>Raises for header values with CR or LF and for an unusable timeout.</summary>
    public static void CheckOptions(RequestOptions options)
    {
        if (options.Headers is { } headers)
            foreach (var value in headers.Values)
                if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
                    throw new ArgumentException("header value can't contain CR or LF");
        if (double.IsNaN(options.Timeout) || options.Timeout <= 0)
            throw new ArgumentException("bad 'timeout' option: a positive number of seconds expected");
    }

    /// <summary>Parses an absolute http or https URL; otherwise the <c>nil, reason, detail</c> to return.</summary>
    public static LuaFailure? TryParseUrl(string url, out Uri uri)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out uri!) || uri.IsFile || uri.IsUnc)
            return LuaFailure.Of(HttpFailureReasons.InvalidUrl, $"'{url}' is not an absolute URL");
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            return LuaFailure.Of(HttpFailureReasons.UnsupportedScheme, $"only http and https are supported, got '{uri.Scheme}'");
        return null;
    }

    public static ModuleRequest Build(Uri uri, RequestOptions options, bool blocking)
    {
        string method = options.Body is not null && options.Method == "GET" ? "POST" : options.Method;
        var httpMethod = Method(method);

        var request = new ModuleRequest(httpMethod, uri)
        {
            Version = options.Http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            PreferIpv6 = options.PreferIpv6,
            Blocking = blocking,
        };
        if (options.Body is { } body) request.Content = Content(body);
        else if (method != "GET") request.Content = new ByteArrayContent([]);   // Content-Length: 0

        var user = options.Headers;
        if (!ContainsName(user, "User-Agent")) request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (!ContainsName(user, "Accept-Encoding")) request.Headers.TryAddWithoutValidation("Accept-Encoding", AcceptEncoding);
        if (user is not null)
            foreach (var (name, value) in user) SetHeader(request, name, value);
        return request;
    }

    // Bodies up to this size are copied (one small array); larger ones are read from the Lua string in chunks
    // of this size while they are sent, so no copy of the whole body is ever made.
    private const int CopiedBodyLimit = 64 * 1024;

    private static HttpContent Content(LuaBytes body) =>
        body.Length <= CopiedBodyLimit ? new ByteArrayContent(body.ToArray()) : new StreamContent(body.OpenRead(), CopiedBodyLimit);

    /// <summary>The method as given (case kept); the shared instances for the common ones.</summary>
    private static HttpMethod Method(string method)
    {
        switch (method)
        {
            case "GET": return HttpMethod.Get;
            case "POST": return HttpMethod.Post;
            case "HEAD": return HttpMethod.Head;
            case "PUT": return HttpMethod.Put;
            case "DELETE": return HttpMethod.Delete;
        }
        try
        {
            return new HttpMethod(method);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new ArgumentException($"invalid HTTP method '{method}'");
        }
    }

    /// <summary>Whether the request's own headers already say how the connection ends.</summary>
    public static bool HasConnectionHeader(RequestOptions options) =>
        options.Headers is { } headers && ContainsName(headers, "Connection");

    private static bool ContainsName(Dictionary<string, string>? headers, string name)
    {
        if (headers is null) return false;
        foreach (string key in headers.Keys)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static void SetHeader(HttpRequestMessage request, string name, string value)
    {
        // The body decides Content-Length, as in Pluto; a different value would make the send fail.
        if (string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase)) return;
        if (TryReplace(request.Headers, name, value)) return;

        // Content-Type and friends live on the content (an empty one when there is no body).
        request.Content ??= new ByteArrayContent([]);
        if (TryReplace(request.Content.Headers, name, value)) return;
        throw new ArgumentException($"invalid header name '{name}'");
    }

    /// <summary>Replaces a header; false when the name is invalid or belongs to the other collection.</summary>
    private static bool TryReplace(HttpHeaders headers, string name, string value)
    {
        try
        {
            headers.Remove(name);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            return false;
        }
        return headers.TryAddWithoutValidation(name, value);
    }
}
