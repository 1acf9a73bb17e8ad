using System.ComponentModel.DataAnnotations;
using FluentValidation;

namespace CredentialPortal.Domain.Settings;

/// <summary>
/// The rules Administrators tune (docs/design.md §6.1, §6.4, §6.7), one row in the database. Defaults follow OWASP ASVS 5.0 and
/// NIST SP 800-63B: length over composition, a blocklist, history; no forced character classes.
/// </summary>
public sealed class SecuritySettings
{
    public int Id { get; set; } = 1;

    [Display(Name = "Minimum length", Description = "Shortest password accepted. NIST recommends at least 8; 12 or more resists guessing far better.")]
    public int PasswordMinLength { get; set; } = 12;

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

    [ConcurrencyCheck]
    public int Version { get; set; }

    public SecuritySettings Copy() => (SecuritySettings)MemberwiseClone();
}

public sealed class SecuritySettingsValidator : AbstractValidator<SecuritySettings>
{
    public SecuritySettingsValidator()
    {
        RuleFor(x => x.PasswordMinLength).InclusiveBetween(8, 128).WithMessage("'Minimum length' must be from 8 to 128.");
        RuleFor(x => x.PasswordMaxLength).InclusiveBetween(64, 4096).WithMessage("'Maximum length' must be from 64 to 4096 (NIST: allow at least 64).")
            .GreaterThanOrEqualTo(x => x.PasswordMinLength).WithMessage("'Maximum length' must not be below the minimum length.");
        RuleFor(x => x.MinCharacterClasses).InclusiveBetween(1, 4).WithMessage("'Character classes required' must be from 1 to 4.");
        RuleFor(x => x.PasswordHistory).InclusiveBetween(0, 24).WithMessage("'Password history' must be from 0 to 24.");
        RuleFor(x => x.MinStrengthScore).InclusiveBetween(0, 4).WithMessage("'Minimum strength score' must be from 0 to 4.");
        RuleFor(x => x.VerificationMaxFailures).InclusiveBetween(1, 100).WithMessage("'Failed verifications before lockout' must be from 1 to 100.");
        RuleFor(x => x.VerificationWindowMinutes).InclusiveBetween(1, 1440).WithMessage("'Counting window' must be from 1 to 1440 minutes.");
        RuleFor(x => x.VerificationLockMinutes).InclusiveBetween(1, 1440).WithMessage("'Lockout period' must be from 1 to 1440 minutes.");
        RuleFor(x => x.StaleCredentialMaxAgeDays).InclusiveBetween(1, 3650).WithMessage("'Stale credential age' must be from 1 to 3650 days.");
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
