namespace CredentialPortal.Domain.TwoFactor;

/// <summary>
/// A person's authenticator app (TOTP, RFC 6238): its key, encrypted with Data Protection and bound to the person, and
/// the last time step a code was accepted for, so a code is accepted once — across instances too, since the step only
/// moves forward through a conditional update in the database.
/// </summary>
public sealed class AuthenticatorEnrolment
{
    public int UserId { get; set; }
    public required string ProtectedKey { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Null until the person typed a first code from the app: an unconfirmed key does not sign anyone in.</summary>
    public DateTime? ConfirmedAt { get; set; }
    public long LastAcceptedStep { get; set; }
}

/// <summary>One of a person's ten recovery codes: only its SHA-256 (each code carries 80 random bits), used once.</summary>
public sealed class RecoveryCode
{
    public int Id { get; set; }
    public int UserId { get; set; }
    public required string CodeHash { get; set; }
    public DateTime? UsedAt { get; set; }
}
