using System.ComponentModel.DataAnnotations;
using CredentialPortal.Domain.Access;
using FluentValidation;

namespace CredentialPortal.Domain.Settings;

/// <summary>
/// The rules Administrators tune (docs/design.md §6.1, §6.4, §6.5, §6.7), one row in the database. Defaults follow OWASP
/// ASVS 5.0 and NIST SP 800-63B-4: length over composition (longer where the password is the only factor), a blocklist,
/// history; no forced character classes; two-factor for the roles that administer credentials.
/// </summary>
public sealed class SecuritySettings
{
    public int Id { get; set; } = 1;

    [Display(Name = "Minimum length without two-factor", Description = "Shortest password accepted for a person who signs in with the password alone. NIST SP 800-63B-4 asks for at least 15 where a password is the only factor.")]
    public int PasswordMinLengthWithoutTwoFactor { get; set; } = 15;

    [Display(Name = "Minimum length with two-factor", Description = "Shortest password accepted for a person with a second factor, and for machine users' passwords. NIST allows 8 with a second factor; 12 or more resists guessing far better.")]
    public int PasswordMinLengthWithTwoFactor { get; set; } = 12;

    [Display(Name = "Maximum length", Description = "Longest password accepted. Passwords are never truncated; the cap only stops abuse.")]
    public int PasswordMaxLength { get; set; } = 128;

    [Display(Name = "Reject the login name", Description = "A password may not contain the account's login name (ignoring case).")]
    public bool RejectLoginName { get; set; } = true;

    [Display(Name = "Reject common passwords", Description = "Refuse passwords found in a list of 30,000 commonly used and breached passwords.")]
    public bool RejectCommonPasswords { get; set; } = true;

    [Display(Name = "Require character classes", Description = "Off by default (NIST advises against composition rules). When on, a password needs the number of classes below: lower case, upper case, digits, symbols.")]
    public bool RequireCharacterClasses { get; set; }

    [Display(Name = "Character classes required", Description = "How many of the 4 classes a password needs when the rule above is on.")]
    public int MinCharacterClasses { get; set; } = 3;

    [Display(Name = "Password history", Description = "A new password may not be any of this many most recent passwords. 0 turns the rule off.")]
    public int PasswordHistory { get; set; } = 5;

    [Display(Name = "Minimum strength score", Description = "zxcvbn strength estimate from 0 (off) to 4 (very strong) a password must reach.")]
    public int MinStrengthScore { get; set; }

    [Display(Name = "Failed verifications before lockout", Description = "How many wrong verifications by one user within the window lock that user out.")]
    public int VerificationMaxFailures { get; set; } = 5;

    [Display(Name = "Counting window (minutes)", Description = "Failed verifications older than this no longer count.")]
    public int VerificationWindowMinutes { get; set; } = 15;

    [Display(Name = "Lockout period (minutes)", Description = "How long a locked-out user is refused. Administrators can lift a lockout early.")]
    public int VerificationLockMinutes { get; set; } = 15;

    [Display(Name = "Stale credential age (days)", Description = "Secrets and passwords unchanged for longer than this are listed as stale.")]
    public int StaleCredentialMaxAgeDays { get; set; } = 90;

    /// <summary>
    /// The roles whose holders must sign in with a second factor, as role names joined by ", " in the order of
    /// <see cref="PortalRoles.All"/> (<see cref="RoleNames"/> reads them, <see cref="JoinRoles"/> writes them). One text
    /// column: the store compares, copies and audits it as a plain value.
    /// </summary>
    [UIHint(RoleSetHint)]
    [Display(Name = "Roles that must use two-factor", Description = "Everyone holding one of these roles must sign in with a second factor (an authenticator app). Integrator accounts use the API only and cannot enrol in the portal: choosing Integrator stops their API access once the grace period ends.")]
    public string TwoFactorRequiredRoles { get; set; } = JoinRoles([PortalRoles.Administrator, PortalRoles.Helpdesk, PortalRoles.Auditor]);

    [Display(Name = "Two-factor grace period (days)", Description = "How long someone who newly must use two-factor may still sign in without it, reminded on every page. After it, signing in leads only to enrolment. 0 enforces it at once.")]
    public int TwoFactorGracePeriodDays { get; set; } = 7;

    [ConcurrencyCheck]
    public int Version { get; set; }

    public SecuritySettings Copy() => (SecuritySettings)MemberwiseClone();

    /// <summary>The editor hint of a set of role names (the Settings page shows one checkbox per role).</summary>
    public const string RoleSetHint = "roles";

    /// <summary>The role names in <paramref name="roles"/> (as stored in <see cref="TwoFactorRequiredRoles"/>), blanks dropped.</summary>
    public static IReadOnlyList<string> RoleNames(string? roles) =>
        (roles ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Role names as stored: each once, in the order of <see cref="PortalRoles.All"/>, unknown names last as given.</summary>
    public static string JoinRoles(IEnumerable<string> roles)
    {
        var chosen = roles.Distinct(StringComparer.Ordinal).ToList();
        return string.Join(", ", PortalRoles.All.Where(chosen.Contains).Concat(chosen.Where(r => !PortalRoles.All.Contains(r))));
    }

    /// <summary>The roles that must use two-factor, as a set.</summary>
    public IReadOnlySet<string> TwoFactorRoles() => new HashSet<string>(RoleNames(TwoFactorRequiredRoles), StringComparer.Ordinal);
}

public sealed class SecuritySettingsValidator : AbstractValidator<SecuritySettings>
{
    public SecuritySettingsValidator()
    {
        RuleFor(x => x.PasswordMinLengthWithTwoFactor).InclusiveBetween(8, 128).WithMessage("'Minimum length with two-factor' must be from 8 to 128.");
        RuleFor(x => x.PasswordMinLengthWithoutTwoFactor).InclusiveBetween(8, 128).WithMessage("'Minimum length without two-factor' must be from 8 to 128.")
            .GreaterThanOrEqualTo(x => x.PasswordMinLengthWithTwoFactor)
            .WithMessage("'Minimum length without two-factor' must not be below the minimum with two-factor: a password alone needs at least as many characters.");
        RuleFor(x => x.PasswordMaxLength).InclusiveBetween(64, 4096).WithMessage("'Maximum length' must be from 64 to 4096 (NIST: allow at least 64).")
            .GreaterThanOrEqualTo(x => x.PasswordMinLengthWithoutTwoFactor).WithMessage("'Maximum length' must not be below the minimum lengths.");
        RuleFor(x => x.MinCharacterClasses).InclusiveBetween(1, 4).WithMessage("'Character classes required' must be from 1 to 4.");
        RuleFor(x => x.PasswordHistory).InclusiveBetween(0, 24).WithMessage("'Password history' must be from 0 to 24.");
        RuleFor(x => x.MinStrengthScore).InclusiveBetween(0, 4).WithMessage("'Minimum strength score' must be from 0 to 4.");
        RuleFor(x => x.VerificationMaxFailures).InclusiveBetween(1, 100).WithMessage("'Failed verifications before lockout' must be from 1 to 100.");
        RuleFor(x => x.VerificationWindowMinutes).InclusiveBetween(1, 1440).WithMessage("'Counting window' must be from 1 to 1440 minutes.");
        RuleFor(x => x.VerificationLockMinutes).InclusiveBetween(1, 1440).WithMessage("'Lockout period' must be from 1 to 1440 minutes.");
        RuleFor(x => x.StaleCredentialMaxAgeDays).InclusiveBetween(1, 3650).WithMessage("'Stale credential age' must be from 1 to 3650 days.");
        RuleFor(x => x.TwoFactorRequiredRoles)
            .Must(roles => SecuritySettings.RoleNames(roles).All(PortalRoles.All.Contains))
            .WithMessage(x => $"'Roles that must use two-factor' may name only the roles {string.Join(", ", PortalRoles.All)}; not: {string.Join(", ", SecuritySettings.RoleNames(x.TwoFactorRequiredRoles).Where(r => !PortalRoles.All.Contains(r)))}.")
            .Must(roles => SecuritySettings.RoleNames(roles).Distinct(StringComparer.Ordinal).Count() == SecuritySettings.RoleNames(roles).Count)
            .WithMessage("'Roles that must use two-factor' names a role twice.");
        RuleFor(x => x.TwoFactorGracePeriodDays).InclusiveBetween(0, 90).WithMessage("'Two-factor grace period' must be from 0 to 90 days.");
    }

    /// <summary>
    /// One field's messages, for a MudForm's <c>Validation</c> (the way MudBlazor documents FluentValidation): the same
    /// rules the store applies on save, shown by the field as it is edited.
    /// </summary>
    public Func<object, string, Task<IEnumerable<string>>> ValidateValue => async (model, propertyName) =>
    {
        var result = await ValidateAsync(ValidationContext<SecuritySettings>.CreateWithOptions((SecuritySettings)model, x => x.IncludeProperties(propertyName)));
        return result.IsValid ? [] : result.Errors.Select(e => e.ErrorMessage);
    };
}
