using System.Globalization;

namespace CredentialPortal.Domain.Audit.Sinks;

/// <summary>Settings under <c>Audit</c>: the sinks every committed audit record is delivered to, and fail-closed.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    public List<AuditSinkOptions> Sinks { get; set; } = [];

    /// <summary>Refuse audited writes (503) while a sink's backlog exceeds <see cref="FailClosedBacklog"/>.</summary>
    public bool FailClosed { get; set; }

    public long FailClosedBacklog { get; set; } = 1000;

    /// <summary>Every configuration mistake, worded for the operator; empty when the settings are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (FailClosedBacklog < 0) problems.Add("Audit:FailClosedBacklog must be 0 or more.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Sinks.Count; i++)
        {
            var sink = Sinks[i];
            var at = $"Audit:Sinks:{i}";
            if (!names.Add(sink.DisplayName(i))) problems.Add($"{at}:Name '{sink.DisplayName(i)}' is used by another sink; give each sink its own name.");
            if (!sink.DisplayName(i).All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || sink.DisplayName(i).Length > 64)
            {
                problems.Add($"{at}:Name may hold only letters, digits, '-', '_' and '.', at most 64 characters.");
            }
            switch (sink.Kind)
            {
                case AuditSinkKind.Syslog:
                    if (!Uri.TryCreate(sink.Endpoint, UriKind.Absolute, out var syslog) || syslog.Scheme is not ("tcp" or "tls") || syslog.Port <= 0 || string.IsNullOrEmpty(syslog.Host))
                    {
                        problems.Add($"{at}:Endpoint must be tcp://host:port or tls://host:port for a syslog sink.");
                    }
                    if (sink.Format is not (null or "" or "rfc5424" or "cef")) problems.Add($"{at}:Format must be rfc5424 (the default) or cef.");
                    if (!SyslogMessage.IsValidSdId(sink.SdId)) problems.Add($"{at}:SdId must be name@number (RFC 5424 §6.3.2), e.g. audit@32473.");
                    break;
                case AuditSinkKind.Webhook:
                    if (!Uri.TryCreate(sink.Endpoint, UriKind.Absolute, out var hook) || hook.Scheme != Uri.UriSchemeHttps)
                    {
                        problems.Add($"{at}:Endpoint must be an https:// address for a webhook sink.");
                    }
                    if (string.IsNullOrEmpty(sink.Key) || sink.Key.Length < 16) problems.Add($"{at}:Key (the HMAC key for X-Signature) must be at least 16 characters.");
                    break;
                default:
                    problems.Add($"{at}:Type must be syslog or webhook.");
                    break;
            }
            if (!string.IsNullOrEmpty(sink.CaFile) && !File.Exists(sink.CaFile)) problems.Add($"{at}:CaFile '{sink.CaFile}' does not exist.");
        }
        return problems;
    }
}

public enum AuditSinkKind { Unknown, Syslog, Webhook }

/// <summary>One sink: <c>Audit:Sinks:N:Type</c>, <c>Name</c>, <c>Endpoint</c>, <c>Format</c>, <c>SdId</c>, <c>CaFile</c>, <c>Key</c>.</summary>
public sealed class AuditSinkOptions
{
    public const string DefaultSdId = "audit@32473";

    public string? Name { get; set; }
    public string? Type { get; set; }
    public string? Endpoint { get; set; }
    /// <summary>Syslog only: <c>rfc5424</c> (default) or <c>cef</c>.</summary>
    public string? Format { get; set; }
    public string SdId { get; set; } = DefaultSdId;
    /// <summary>PEM file of the CA that signed the receiver's certificate, instead of the system trust store.</summary>
    public string? CaFile { get; set; }
    /// <summary>Webhook only: the HMAC-SHA256 key for <c>X-Signature</c>. A secret: never logged or shown.</summary>
    public string? Key { get; set; }

    public AuditSinkKind Kind => Type?.ToLowerInvariant() switch
    {
        "syslog" => AuditSinkKind.Syslog,
        "webhook" => AuditSinkKind.Webhook,
        _ => AuditSinkKind.Unknown,
    };

    public bool Cef => string.Equals(Format, "cef", StringComparison.OrdinalIgnoreCase);

    public string DisplayName(int index) => string.IsNullOrWhiteSpace(Name) ? $"{Type?.ToLowerInvariant()}-{index.ToString(CultureInfo.InvariantCulture)}" : Name;

    /// <summary>The key stays out of every string made of these settings.</summary>
    public override string ToString() => $"{Type} {Endpoint}";
}
