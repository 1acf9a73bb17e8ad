namespace CredentialPortal.Components.Shared;

/// <summary>How the portal writes times: UTC with the zone named, and "12 days ago" for ages.</summary>
public static class TimeText
{
    public static string Utc(DateTime? value) => value is { } v ? v.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC" : "never";

    public static string Utc(DateTime value) => Utc((DateTime?)value);

    public static string Utc(DateTimeOffset value) => Utc((DateTime?)value.UtcDateTime);

    public static string Ago(DateTime? value, DateTime now)
    {
        if (value is not { } v) return "never";
        var age = now - v;
        return age.TotalMinutes < 1 ? "just now"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min ago"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} h ago"
            : (int)age.TotalDays == 1 ? "1 day ago"
            : $"{(int)age.TotalDays} days ago";
    }
}
