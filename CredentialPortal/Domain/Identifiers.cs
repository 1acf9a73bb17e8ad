using System.Globalization;

namespace CredentialPortal.Domain;

/// <summary>
/// How an id is written wherever it arrives as text (a URL, a CLI argument, a cache message): a positive whole number
/// in plain ASCII digits — no sign, spaces, fraction or leading zero — or a GUID in its 36-character form. Anything
/// else names nothing, so "+1", " 1", "016" or "{guid}" never reach an entity under a second spelling.
/// </summary>
public static class Identifiers
{
    public static bool TryParseNumber(string? text, out int id)
    {
        id = 0;
        return text is { Length: > 0 and <= 10 } && text[0] != '0' && text.All(char.IsAsciiDigit)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    public static int? ParseNumber(string? text) => TryParseNumber(text, out var id) ? id : null;

    public static bool TryParseGuid(string? text, out Guid id)
    {
        id = Guid.Empty;
        return text is { Length: 36 } && !text.Any(char.IsWhiteSpace) && Guid.TryParseExact(text, "D", out id);
    }
}
