using CredentialPortal.Domain.Audit;

namespace CredentialPortal.Domain.Verification;

public enum VerificationResult
{
    Matched,
    Failed,
    /// <summary>The actor was locked out; the value was not checked.</summary>
    Refused,
}

/// <summary>One verification attempt: who checked which secret, when, from where, and the answer.</summary>
public sealed class VerificationAttempt
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string ActorKey { get; set; }
    public int? ActorId { get; set; }
    public required string ActorName { get; set; }
    public Door Door { get; set; }
    public required string EntityType { get; set; }
    public required string EntityId { get; set; }
    public required string Property { get; set; }
    public VerificationResult Result { get; set; }
    public string? ClientAddress { get; set; }
}

/// <summary>A period during which an actor is refused, after too many failed verifications.</summary>
public sealed class ActorLockout
{
    public long Id { get; set; }
    public required string ActorKey { get; set; }
    public int? ActorId { get; set; }
    public required string ActorName { get; set; }
    public DateTime LockedAt { get; set; }
    public DateTime LockedUntil { get; set; }
    public DateTime? LiftedAt { get; set; }
    public string? LiftedBy { get; set; }
    /// <summary>When the audit log recorded that this lockout ran out (it was not lifted): recorded once.</summary>
    public DateTime? ExpiryRecordedAt { get; set; }

    public bool IsActive(DateTime now) => LiftedAt is null && LockedUntil > now;
}
