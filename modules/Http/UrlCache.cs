namespace LuaToolkit.Http;

/// <summary>
/// The parsed form of the URLs a script requests again and again. Parsing a <see cref="Uri"/> and, inside the
/// handler, its IDN host take about a microsecond per request; a <see cref="Uri"/> is immutable, so one
/// instance serves every request to the same URL, and computes its host forms once. Only absolute http and
/// https URLs are kept. Used from the Lua state's thread only, like the module instance that owns it.
/// </summary>
internal sealed class UrlCache
{
    // Enough for the endpoints of a script; a script that makes up a new URL per request just refills it.
    private const int Capacity = 64;

    private readonly Dictionary<string, Uri> _parsed = new(StringComparer.Ordinal);

    /// <summary><see cref="HttpRequestBuilder.TryParseUrl"/>, remembering what parsed.</summary>
    public LuaFailure? TryParse(string url, out Uri uri)
    {
        if (_parsed.TryGetValue(url, out uri!)) return null;
        if (HttpRequestBuilder.TryParseUrl(url, out uri) is { } failure) return failure;
        if (_parsed.Count == Capacity) _parsed.Clear();
        _parsed[url] = uri;
        return null;
    }
}
