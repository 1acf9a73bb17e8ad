using Microsoft.AspNetCore.Identity;

namespace CredentialPortal.Domain.Users;

/// <summary>Where a person's account comes from. AD-synchronised accounts are read-only here.</summary>
public enum UserSource
{
    Local = 0,
    ActiveDirectory = 1,
}

/// <summary>A person or a connector (machine) user who signs in. Integer ids, as in the API (<c>/users/16</c>).</summary>
public class PortalUser : IdentityUser<int>
{
    /// <summary>The login name is Identity's UserName; it is never modifiable after creation.</summary>
    public string LoginName => UserName ?? "";

    public string DisplayName { get; set; } = "";
    public UserSource Source { get; set; } = UserSource.Local;
    public bool Enabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime? LastPasswordChange { get; set; }

    /// <summary>
    /// The person must choose a new password at their next sign-in (a temporary password set by someone else, or the
    /// flag set on its own); their own change clears it. Nothing else of the portal or the API is open to them until then.
    /// </summary>
    public bool MustChangePassword { get; set; }

    /// <summary>When the temporary password stops working (<see cref="PortalOptions.TemporaryPasswordLifetime"/>); null when none.</summary>
    public DateTime? TemporaryPasswordExpiresAt { get; set; }

    /// <summary>The expiry of the temporary password has been audited (once, by the lockout expiry sweep).</summary>
    public bool TemporaryPasswordExpiryRecorded { get; set; }

    /// <summary>
    /// Since when the two-factor policy has required a second factor of this person without them having one: the start
    /// of their grace period (<see cref="TwoFactor.TwoFactorPolicy"/>). Set the first time it is found so (a door, a
    /// role or policy change), cleared when they enrol or are no longer required; null otherwise.
    /// </summary>
    public DateTime? TwoFactorRequiredSince { get; set; }

    /// <summary>The end of that grace period, when enrolment was first forced on the person, is audited (once).</summary>
    public bool TwoFactorEnforcementRecorded { get; set; }

    /// <summary>A connector (machine) user: no email, signs in to the API only, rotated with the <c>unify</c> CLI.</summary>
    public bool IsMachine { get; set; }
}

public class PortalRole : IdentityRole<int>
{
    public PortalRole() { }
    public PortalRole(string name) : base(name) { }
}
