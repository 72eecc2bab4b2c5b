using System.IO.Compression;

namespace LuaToolkit.Http;

/// <summary>
/// Decodes a response body by its Content-Encoding (gzip, deflate, br; applied right to left). Done here
/// rather than by the handler's AutomaticDecompression, which appends its own encodings to an
/// Accept-Encoding header the script set, so a user header would not replace the default.
/// </summary>
internal static class ContentDecoder
{
    /// <summary>
    /// The codings to undo, outermost first; <c>null</c> when the body stays as it is, with its
    /// Content-Encoding header (no encoding, only <c>identity</c>, or an encoding we do not know).
    /// </summary>
    public static string[]? Plan(string? contentEncoding)
    {
        if (string.IsNullOrWhiteSpace(contentEncoding)) return null;
        var codings = contentEncoding.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(c => c.ToLowerInvariant())
            .Where(c => c != "identity")
            .Reverse()
            .ToArray();
        return codings.Length > 0 && codings.All(c => c is "gzip" or "x-gzip" or "deflate" or "br") ? codings : null;
    }

    /// <summary>Undoes <paramref name="codings"/>; a corrupt body throws <see cref="InvalidDataException"/>.</summary>
    public static byte[] Decode(byte[] body, string[] codings)
    {
        foreach (var coding in codings) body = Decompress(body, coding);
        return body;
    }

    private static byte[] Decompress(byte[] data, string coding)
    {
        using var input = new MemoryStream(data, writable: false);
        using Stream decoder = coding switch
        {
            "gzip" or "x-gzip" => new GZipStream(input, CompressionMode.Decompress),
            "br" => new BrotliStream(input, CompressionMode.Decompress),
            // "deflate" is zlib-wrapped by the standard and raw deflate from some servers.
            _ => IsZLib(data) ? new ZLibStream(input, CompressionMode.Decompress) : new DeflateStream(input, CompressionMode.Decompress),
        };
        using var output = new MemoryStream();
        decoder.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>A zlib header: compression method 8 and a 16-bit check value that is a multiple of 31.</summary>
    private static bool IsZLib(byte[] data) =>
        data.Length >= 2 && (data[0] & 0x0F) == 8 && ((data[0] << 8) | data[1]) % 31 == 0;
}
