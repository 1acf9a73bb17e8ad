using System.Buffers.Text;
using System.Text.Json;

namespace CredentialPortal.Domain;

/// <summary>
/// A position in a sorted list for keyset paging (the API's opaque <c>after</c>): the sort it was issued for, the last
/// row's sort value and its id. The next page seeks past that row on an index, so it costs the same at any depth,
/// and rows added or removed meanwhile neither repeat nor skip others. Filters are not part of it: the caller sends
/// them again with each page, and the position holds under them.
/// </summary>
public sealed record ListCursor(string Sort, string? Value, string Id)
{
    private const int Version = 1;
    /// <summary>Longer than any cursor this class writes (sort values are short public fields).</summary>
    public const int MaxLength = 2048;

    /// <summary>URL-safe base64 of a small JSON array; clients treat it as opaque.</summary>
    public string Encode() =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new object?[] { Version, Sort, Value, Id }));

    /// <summary>Reads a cursor this class wrote; false for anything else (damaged, truncated, another version).</summary>
    public static bool TryDecode(string? text, out ListCursor cursor)
    {
        cursor = null!;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || !Base64Url.IsValid(text)) return false;
        try
        {
            using var json = JsonDocument.Parse(Base64Url.DecodeFromChars(text));
            var parts = json.RootElement;
            if (parts.ValueKind != JsonValueKind.Array || parts.GetArrayLength() != 4
                || parts[0].ValueKind != JsonValueKind.Number || parts[0].GetInt32() != Version
                || parts[1].ValueKind != JsonValueKind.String
                || parts[2].ValueKind is not (JsonValueKind.String or JsonValueKind.Null)
                || parts[3].ValueKind != JsonValueKind.String)
            {
                return false;
            }
            cursor = new ListCursor(parts[1].GetString()!, parts[2].GetString(), parts[3].GetString()!);
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return false;
        }
    }
}

/// <summary>One page of a list: its rows, the filter's total, and where the next page starts (null on the last page).</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, int Total, ListCursor? Next);
