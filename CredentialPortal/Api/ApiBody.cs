using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CredentialPortal.Api;

/// <summary>
/// Reads request bodies defensively: a size cap, strict UTF-8, no NUL character, bounded JSON depth, no duplicate keys.
/// Every failure is a problem-details answer for the caller, never an exception.
/// </summary>
public static class ApiBody
{
    /// <summary>
    /// No value the API takes may hold U+0000: PostgreSQL cannot store or even compare such text, SQLite cuts it off,
    /// and the platform already refuses it in paths, headers and form fields. Bodies and query strings follow suit.
    /// </summary>
    public const string NulCharacterDetail = "The request contains the character U+0000 (NUL), which no value may hold.";

    public static bool ContainsNul(string? text) => text is not null && text.Contains('\0');

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
        string text;
        try
        {
            text = StrictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException)
        {
            return new(null, ApiProblems.BadRequest("The request body is not valid UTF-8."));
        }
        return ContainsNul(text) ? new(null, ApiProblems.BadRequest(NulCharacterDetail)) : new(text, null);
    }

    /// <summary>
    /// A form body (<c>application/x-www-form-urlencoded</c> or multipart) as fields, under the same size cap as JSON
    /// and with a handful of fields at most, or the problem with it (the platform's form reader refuses NUL itself).
    /// </summary>
    public static async Task<Result<Dictionary<string, string>>> ReadFormAsync(HttpContext http, int maxFields)
    {
        var limit = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxRequestBodyBytes;
        if (http.Request.ContentLength > limit) return new(null, ApiProblems.TooLarge(limit));
        var options = new Microsoft.AspNetCore.Http.Features.FormOptions
        {
            ValueCountLimit = maxFields,
            KeyLengthLimit = 256,
            ValueLengthLimit = limit,
            MultipartBodyLengthLimit = limit,
            MultipartHeadersLengthLimit = 4096,
        };
        http.Features.Set<Microsoft.AspNetCore.Http.Features.IFormFeature>(new Microsoft.AspNetCore.Http.Features.FormFeature(http.Request, options));
        try
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            return new(form.ToDictionary(f => f.Key, f => f.Value.ToString()), null);
        }
        catch (InvalidDataException)
        {
            // The reader's message names the limit it hit, never the content; still, one wording for every case.
            return new(null, ApiProblems.BadRequest(
                $"The form could not be read: at most {maxFields} fields of up to {limit} bytes each, without the character U+0000."));
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
            if (node is null) return new(null, ApiProblems.BadRequest("The request body is null; send a JSON value."));
            return HoldsNul(node) ? new(null, ApiProblems.BadRequest(NulCharacterDetail)) : new(node, null);
        }
        catch (JsonException e)
        {
            // Only the position: the parser's own message can quote the body, which may hold a secret.
            return new(null, ApiProblems.BadRequest(
                $"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}); duplicate property names and nesting deeper than {JsonOptions.MaxDepth} are refused too."));
        }
    }

    /// <summary>Whether any property name or string value in the tree holds U+0000 (written as the escape \u0000).</summary>
    private static bool HoldsNul(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Any(p => ContainsNul(p.Key) || HoldsNul(p.Value)),
        JsonArray array => array.Any(HoldsNul),
        JsonValue value => value.TryGetValue<string>(out var text) && ContainsNul(text),
        _ => false,
    };

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
