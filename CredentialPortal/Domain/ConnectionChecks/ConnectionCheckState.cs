namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>
/// One row per checked entity (table <c>ConnectionChecks</c>): its last result, when it is due again, whether it has
/// left the schedule after a rejection, and an open alert. History is in the audit log.
/// </summary>
public sealed class ConnectionCheckState
{
    public long Id { get; set; }
    public required string Resource { get; set; }
    public required string EntityKey { get; set; }
    /// <summary>The wire's result value (<c>ok</c>, <c>rejected</c>…).</summary>
    public required string Result { get; set; }
    public required string Detail { get; set; }
    public DateTime CheckedAt { get; set; }
    public long DurationMs { get; set; }
    /// <summary><c>on-demand</c> or <c>scheduled</c>.</summary>
    public required string Trigger { get; set; }
    /// <summary>
    /// The entity's version when it was rejected: while the entity still has that version (no credential or setting
    /// changed since) the schedule leaves it alone, so the monitor cannot lock the account out.
    /// </summary>
    public int? RejectedAtVersion { get; set; }
    /// <summary>When the schedule checks it next; a claim moves it on (the row update is the claim across instances).</summary>
    public DateTime NextDueAt { get; set; }
    /// <summary>Set by a state change (ok ↔ rejected/unreachable); cleared when someone acknowledges it.</summary>
    public bool AlertOpen { get; set; }
    public string? AlertFrom { get; set; }
    public DateTime? AlertAt { get; set; }
}
