namespace CredentialPortal.Data;

/// <summary>
/// A parameterised LIKE pattern for "contains", with the metacharacters escaped: a search for "100%" means the
/// text "100%", and "_" matches only an underscore.
/// </summary>
public static class SearchPattern
{
    public const string EscapeCharacter = "\\";

    public static string Contains(string text) =>
        "%" + text.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
