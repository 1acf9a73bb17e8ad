namespace CredentialPortal.Domain.Audit;

/// <summary>What happened, as the audit log names it.</summary>
public static class AuditActions
{
    public const string Create = "create";
    public const string Update = "update";
    public const string SecretRotated = "secret-rotated";
    public const string PasswordSet = "password-set";
    public const string TemporaryPasswordSet = "temporary-password-set";
    public const string TemporaryPasswordExpired = "temporary-password-expired";
    public const string TemporaryPasswordChanged = "temporary-password-changed";
    public const string TwoFactorEnrolled = "two-factor-enrolled";
    public const string TwoFactorRemoved = "two-factor-removed";
    public const string TwoFactorReset = "two-factor-reset";
    public const string RecoveryCodeUsed = "recovery-code-used";
    public const string TwoFactorCodeReplayed = "two-factor-code-replayed";
    public const string PasskeyAdded = "passkey-added";
    public const string PasskeyRenamed = "passkey-renamed";
    public const string PasskeyRemoved = "passkey-removed";
    /// <summary>The signed-in person confirmed (or failed to confirm) it is them before a sensitive change.</summary>
    public const string StepUp = "step-up";
    /// <summary>A person's two-factor grace period ended without a second factor: enrolment was forced (once per person).</summary>
    public const string TwoFactorEnrolmentRequired = "two-factor-enrolment-required";
    public const string RoleChanged = "role-changed";
    public const string PolicyChanged = "policy-changed";
    /// <summary>A verification lockout was set (too many failed verifications).</summary>
    public const string LockedOut = "locked-out";
    /// <summary>A lockout was lifted early by an administrator (verification or sign-in).</summary>
    public const string Unlocked = "unlocked";
    /// <summary>A verification lockout ran out: recorded when first noticed, at the latest by the periodic sweep.</summary>
    public const string LockoutExpired = "lockout-expired";
    /// <summary>Identity's sign-in lockout was set (too many wrong passwords).</summary>
    public const string SignInLockedOut = "sign-in-locked-out";
    /// <summary>A sign-in lockout ran out (noticed by the periodic sweep).</summary>
    public const string SignInLockoutExpired = "sign-in-lockout-expired";
    public const string AccountDisabled = "account-disabled";
    public const string AccountEnabled = "account-enabled";
    public const string SignInSucceeded = "sign-in-succeeded";
    public const string SignInFailed = "sign-in-failed";
    public const string SignInThrottled = "sign-in-throttled";
    public const string Verification = "verification";
    // Server configuration
    public const string CustomValueRemoved = "custom-value-removed";
    public const string DifferencesResolved = "differences-resolved";
    public const string TasksApplied = "tasks-applied";
    public const string TaskApplied = "task-applied";
    public const string TaskFailed = "task-failed";
    public const string RegistryReported = "registry-reported";
}

/// <summary>
/// One append-only audit record. <see cref="Hash"/> is SHA-256 over the record's content and the previous
/// record's hash, so editing, inserting or deleting a row breaks the chain from there on.
/// </summary>
public sealed class AuditRecord
{
    /// <summary>Position in the chain: 1, 2, 3… without gaps.</summary>
    public long Sequence { get; set; }
    public DateTime OccurredAt { get; set; }
    public int? ActorId { get; set; }
    public required string ActorName { get; set; }
    public Door Door { get; set; }
    public required string Action { get; set; }
    public string? EntityType { get; set; }
    public string? EntityId { get; set; }
    /// <summary>Names of the properties involved, comma-separated (secrets by name only).</summary>
    public string? Properties { get; set; }
    /// <summary>JSON object of public changes: <c>{"host":{"old":"a","new":"b"}}</c>. Never a secret value.</summary>
    public string? Changes { get; set; }
    /// <summary>Result for events that have one, e.g. a verification's <c>matches</c> / <c>does-not-match</c>.</summary>
    public string? Outcome { get; set; }
    public string? ClientAddress { get; set; }
    public string? CorrelationId { get; set; }
    public required string PreviousHash { get; set; }
    public string Hash { get; set; } = "";
}
