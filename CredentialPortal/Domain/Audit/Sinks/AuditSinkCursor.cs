namespace CredentialPortal.Domain.Audit.Sinks;

/// <summary>
/// How far one sink has got through the audit log, which is its outbox: the records themselves, committed with their
/// changes, in sequence order. <see cref="LastDeliveredSequence"/> is the last record known to have arrived;
/// <see cref="LastSentSequence"/> may be one ahead (written, not yet known to have arrived) and is sent again after
/// a broken connection — the one duplicate the at-least-once guarantee allows per break.
/// </summary>
public sealed class AuditSinkCursor
{
    public required string Name { get; set; }
    public long LastDeliveredSequence { get; set; }
    public long LastSentSequence { get; set; }
    public DateTime? LastDeliveredAt { get; set; }
    public string? LastError { get; set; }
    public DateTime? LastErrorAt { get; set; }
}
