using System.IO.Compression;

namespace LuaToolkit.Http;

/// <summary>
/// Decodes a response body by its Content-Encoding (gzip, deflate, br; applied right to left). Done here
/// rather than by the handler's AutomaticDecompression, which appends its own encodings to an
/// Accept-Encoding header the script set, so a user header would not replace the default.
/// </summary>
internal static class ContentDecoder
{
    // Each read of the decoder has at least this much room.
    private const int ChunkSize = 16 << 10;

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

    /// <summary>
    /// Undoes <paramref name="codings"/>; a corrupt body throws <see cref="InvalidDataException"/>. Takes
    /// <paramref name="body"/> (disposes it) and returns a new buffer.
    /// </summary>
    public static LuaStringBuffer Decode(LuaStringBuffer body, string[] codings)
    {
        foreach (var coding in codings)
        {
            using var encoded = body;
            body = Decompress(encoded, coding);
        }
        return body;
    }

    private static LuaStringBuffer Decompress(LuaStringBuffer data, string coding)
    {
        using var input = data.OpenRead();
        using Stream decoder = coding switch
        {
            "gzip" or "x-gzip" => new GZipStream(input, CompressionMode.Decompress),
            "br" => new BrotliStream(input, CompressionMode.Decompress),
            // "deflate" is zlib-wrapped by the standard and raw deflate from some servers.
            _ => IsZLib(data.WrittenSpan) ? new ZLibStream(input, CompressionMode.Decompress) : new DeflateStream(input, CompressionMode.Decompress),
        };
        var output = new LuaStringBuffer(Math.Min(data.Length, LuaStringBuffer.ArrayLimit));
        try
        {
            int read;
            while ((read = decoder.Read(output.GetSpan(ChunkSize))) > 0) output.Advance(read);
            return output;
        }
        catch
        {
            output.Dispose();
            throw;
        }
    }

    /// <summary>A zlib header: compression method 8 and a 16-bit check value that is a multiple of 31.</summary>
    private static bool IsZLib(ReadOnlySpan<byte> data) =>
        data.Length >= 2 && (data[0] & 0x0F) == 8 && ((data[0] << 8) | data[1]) % 31 == 0;
}
