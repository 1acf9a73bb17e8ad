using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CredentialPortal.Domain.Audit.Sinks;

/// <summary>
/// An audit record as one syslog message (RFC 5424), with its fields in one structured-data element, or as CEF for
/// SIEMs that expect it; and the octet-counted frame of RFC 6587 §3.4.1 (also what RFC 5425 uses over TLS).
/// </summary>
public static partial class SyslogMessage
{
    public const string AppName = "CredentialPortal";

    /// <summary>Facility 13 ("log audit", RFC 5424 table 1), severity 6 (informational).</summary>
    private const int Priority = 13 * 8 + 6;

    public static string Rfc5424(AuditRecord r, string sdId, string hostName, int processId)
    {
        var sd = new StringBuilder().Append('[').Append(sdId);
        foreach (var (name, value) in Parameters(r))
        {
            sd.Append(' ').Append(name).Append("=\"").Append(EscapeParamValue(value)).Append('"');
        }
        sd.Append(']');
        return $"<{Priority}>1 {Timestamp(r.OccurredAt)} {HeaderField(hostName, 255)} {AppName} {processId.ToString(CultureInfo.InvariantCulture)} {HeaderField(r.Action, 32)} {sd} \uFEFF{Summary(r)}";
    }

    /// <summary>CEF 0 (ArcSight's format) as the MSG of an RFC 5424 message without structured data.</summary>
    public static string Cef(AuditRecord r, string hostName, int processId)
    {
        var extension = new StringBuilder();
        void Add(string key, string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            if (extension.Length > 0) extension.Append(' ');
            extension.Append(key).Append('=').Append(EscapeCefExtension(value));
        }
        Add("rt", new DateTimeOffset(DateTime.SpecifyKind(r.OccurredAt, DateTimeKind.Utc)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add("suser", r.ActorName);
        Add("act", r.Action);
        Add("src", r.ClientAddress);
        Add("outcome", r.Outcome);
        Add("cs1Label", "seq"); Add("cs1", r.Sequence.ToString(CultureInfo.InvariantCulture));
        Add("cs2Label", "hash"); Add("cs2", r.Hash);
        Add("cs3Label", "prev"); Add("cs3", r.PreviousHash);
        Add("cs4Label", "door"); Add("cs4", r.Door.ToString());
        Add("cs5Label", "entity"); Add("cs5", r.EntityType is null ? null : $"{r.EntityType}/{r.EntityId}");
        Add("cs6Label", "properties"); Add("cs6", r.Properties);
        Add("msg", r.Changes);
        var cef = $"CEF:0|{AppName}|{AppName}|1|{EscapeCefHeader(r.Action)}|{EscapeCefHeader(r.Action)}|3|{extension}";
        return $"<{Priority}>1 {Timestamp(r.OccurredAt)} {HeaderField(hostName, 255)} {AppName} {processId.ToString(CultureInfo.InvariantCulture)} {HeaderField(r.Action, 32)} - {cef}";
    }

    /// <summary>RFC 6587 octet counting: the message's length in bytes, a space, the message.</summary>
    public static byte[] Frame(string message)
    {
        var body = Encoding.UTF8.GetBytes(message);
        var prefix = Encoding.ASCII.GetBytes(body.Length.ToString(CultureInfo.InvariantCulture) + " ");
        return [.. prefix, .. body];
    }

    public static IEnumerable<(string Name, string? Value)> Parameters(AuditRecord r) =>
    [
        ("seq", r.Sequence.ToString(CultureInfo.InvariantCulture)),
        ("hash", r.Hash),
        ("prev", r.PreviousHash),
        ("actor", r.ActorName),
        ("door", r.Door.ToString()),
        ("action", r.Action),
        ("entityType", r.EntityType),
        ("entityId", r.EntityId),
        ("properties", r.Properties),
        ("outcome", r.Outcome),
        ("client", r.ClientAddress),
    ];

    /// <summary>RFC 5424 §6.3.3: inside PARAM-VALUE, '"', '\' and ']' are escaped with a backslash.</summary>
    public static string EscapeParamValue(string? value) =>
        value is null ? "" : value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("]", "\\]");

    /// <summary>SD-ID: name@number, 1–32 printable ASCII characters without '=', ' ', ']' or '"'.</summary>
    public static bool IsValidSdId(string? sdId) => sdId is { Length: <= 32 } && SdIdPattern().IsMatch(sdId);

    private static string Summary(AuditRecord r)
    {
        var text = new StringBuilder().Append(r.ActorName).Append(' ').Append(r.Action);
        if (r.EntityType is not null) text.Append(' ').Append(r.EntityType).Append('/').Append(r.EntityId);
        if (r.Changes is not null) text.Append(' ').Append(r.Changes);
        // One message is one line for receivers that split on newlines despite the framing.
        return text.ToString().Replace('\r', ' ').Replace('\n', ' ');
    }

    private static string Timestamp(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Header fields are printable US-ASCII without spaces; anything else becomes '_' ("-" when empty).</summary>
    private static string HeaderField(string? value, int max)
    {
        if (string.IsNullOrEmpty(value)) return "-";
        var chars = value.Take(max).Select(c => c is > ' ' and < (char)127 ? c : '_').ToArray();
        return new string(chars);
    }

    private static string EscapeCefHeader(string value) => value.Replace("\\", "\\\\").Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");

    private static string EscapeCefExtension(string value) =>
        value.Replace("\\", "\\\\").Replace("=", "\\=").Replace("\r", "\\r").Replace("\n", "\\n");

    [GeneratedRegex(@"^[\x21\x23-\x3C\x3E\x3F\x41-\x5C\x5E-\x7E]+@[0-9]+$")]
    private static partial Regex SdIdPattern();
}
