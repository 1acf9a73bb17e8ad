using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CredentialPortal.Api;

/// <summary>
/// Reads request bodies defensively: a size cap, strict UTF-8, bounded JSON depth, no duplicate keys. Every failure is
/// a problem-details answer for the caller, never an exception.
/// </summary>
public static class ApiBody
{
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 16, AllowDuplicateProperties = false };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public sealed record Result<T>(T? Value, IResult? Problem);

    public static bool IsJson(HttpRequest request, bool allowMergePatch) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (allowMergePatch && type.MediaType.Equals("application/merge-patch+json", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The body as text, or a 413/400 problem.</summary>
    public static async Task<Result<string>> ReadTextAsync(HttpContext http)
    {
        var limit = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes;
        if (http.Request.ContentLength > limit) return new(null, ApiProblems.TooLarge(limit));
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit) return new(null, ApiProblems.TooLarge(limit));
            buffer.Write(chunk, 0, read);
        }
        try
        {
            return new(StrictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length), null);
        }
        catch (DecoderFallbackException)
        {
            return new(null, ApiProblems.BadRequest("The request body is not valid UTF-8."));
        }
    }

    /// <summary>A JSON object body (for PATCH and verify), or the problem with it.</summary>
    public static async Task<Result<JsonObject>> ReadObjectAsync(HttpContext http, bool allowMergePatch)
    {
        var node = await ReadJsonAsync(http, allowMergePatch);
        if (node.Problem is not null) return new(null, node.Problem);
        return node.Value is JsonObject obj ? new(obj, null) : new(null, ApiProblems.BadRequest("The request body must be a JSON object."));
    }

    /// <summary>Any JSON body (a value, an array, an object), or the problem with it.</summary>
    public static async Task<Result<JsonNode>> ReadJsonAsync(HttpContext http, bool allowMergePatch = false)
    {
        if (!IsJson(http.Request, allowMergePatch))
        {
            return new(null, ApiProblems.UnsupportedMediaType(allowMergePatch
                ? "Send the body as application/json or application/merge-patch+json."
                : "Send the body as application/json."));
        }
        var text = await ReadTextAsync(http);
        if (text.Problem is not null) return new(null, text.Problem);
        if (string.IsNullOrWhiteSpace(text.Value)) return new(null, ApiProblems.BadRequest("The request body is empty; send a JSON object."));
        try
        {
            var node = JsonNode.Parse(text.Value, documentOptions: JsonOptions);
            return node is null ? new(null, ApiProblems.BadRequest("The request body is null; send a JSON value.")) : new(node, null);
        }
        catch (JsonException e)
        {
            // Only the position: the parser's own message can quote the body, which may hold a secret.
            return new(null, ApiProblems.BadRequest(
                $"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}); duplicate property names and nesting deeper than {JsonOptions.MaxDepth} are refused too."));
        }
    }

    /// <summary>Parses If-Match: null when absent or "*", the opaque tag otherwise.</summary>
    public static string? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString().Trim();
        if (value.Length == 0 || value == "*") return null;
        if (value.StartsWith("W/", StringComparison.Ordinal)) value = value[2..];
        return value.Trim('"');
    }

    public static string ETag(string version) => $"\"{version}\"";
}
