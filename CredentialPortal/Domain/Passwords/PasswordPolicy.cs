using CredentialPortal.Domain.Settings;

namespace CredentialPortal.Domain.Passwords;

/// <summary>One rule a candidate password breaks: a stable code for programs and a sentence for people.</summary>
public sealed record PolicyViolation(string Code, string Message);

/// <summary>Whose password it is: the minimum length depends on it (NIST SP 800-63B-4 §3.1.1.2, docs/design.md §6.1).</summary>
public enum PasswordHolder
{
    /// <summary>A person who signs in with the password alone: the longer minimum.</summary>
    PersonWithoutSecondFactor,
    /// <summary>A person with a second factor (<see cref="TwoFactor.TwoFactorPolicy.HasSecondFactorAsync"/>).</summary>
    PersonWithSecondFactor,
    /// <summary>
    /// A connector (machine) user, which signs in to the API only and never enrols: it keeps the minimum it had before
    /// the length was split by factor (the single minimum then, the with-two-factor one now), so no connector breaks.
    /// </summary>
    MachineUser,
}

/// <summary>
/// The password rules of docs/design.md §6.1 that need only the candidate (history needs stored hashes:
/// <see cref="Users.PeopleCredentials.CheckPasswordAsync"/>). Returns every rule broken, not just the first, so a
/// form can list them all.
/// </summary>
public static class PasswordPolicy
{
    public const string TooShort = "too_short";
    public const string TooLong = "too_long";
    public const string ContainsLoginName = "contains_login_name";
    public const string Common = "common_password";
    public const string TooFewClasses = "too_few_character_classes";
    public const string TooWeak = "too_weak";
    public const string Reused = "reused";

    /// <summary>The shortest password accepted for <paramref name="holder"/>.</summary>
    public static int MinimumLength(SecuritySettings settings, PasswordHolder holder) => holder switch
    {
        PasswordHolder.PersonWithoutSecondFactor => settings.PasswordMinLengthWithoutTwoFactor,
        _ => settings.PasswordMinLengthWithTwoFactor,
    };

    /// <summary>What a form says about the minimum before anything is typed: the number, and why that one.</summary>
    public static string LengthRequirement(SecuritySettings settings, PasswordHolder holder) => holder switch
    {
        PasswordHolder.PersonWithoutSecondFactor => $"At least {MinimumLength(settings, holder)} characters: this account signs in with the password alone.",
        PasswordHolder.PersonWithSecondFactor => $"At least {MinimumLength(settings, holder)} characters: this account signs in with a second factor too.",
        _ => $"At least {MinimumLength(settings, holder)} characters.",
    };

    public static IReadOnlyList<PolicyViolation> Check(SecuritySettings settings, string candidate, string? loginName, PasswordHolder holder)
    {
        var violations = new List<PolicyViolation>();
        // Length counts characters as people see them (a surrogate pair is one).
        var length = new System.Globalization.StringInfo(candidate).LengthInTextElements;
        var minimum = MinimumLength(settings, holder);
        if (length < minimum)
        {
            violations.Add(new(TooShort, holder == PasswordHolder.PersonWithoutSecondFactor
                ? $"Use at least {minimum} characters (this one has {length}): the password is this account's only factor."
                : $"Use at least {minimum} characters (this one has {length})."));
        }
        if (length > settings.PasswordMaxLength)
        {
            violations.Add(new(TooLong, $"Use at most {settings.PasswordMaxLength} characters; passwords are never cut short."));
        }
        if (settings.RejectLoginName && !string.IsNullOrWhiteSpace(loginName)
            && candidate.Contains(loginName.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            violations.Add(new(ContainsLoginName, "Do not include the login name."));
        }
        if (settings.RejectCommonPasswords && CommonPasswords.Contains(candidate))
        {
            violations.Add(new(Common, "This password is on a list of commonly used or breached passwords."));
        }
        if (settings.RequireCharacterClasses)
        {
            var classes = CharacterClasses(candidate);
            if (classes < settings.MinCharacterClasses)
            {
                violations.Add(new(TooFewClasses,
                    $"Use at least {settings.MinCharacterClasses} of: lower-case letters, upper-case letters, digits, symbols (this one has {classes})."));
            }
        }
        if (settings.MinStrengthScore > 0 && length <= 256)
        {
            var score = new Zxcvbn.Zxcvbn().EvaluatePassword(candidate, string.IsNullOrEmpty(loginName) ? [] : [loginName]).Score;
            if (score < settings.MinStrengthScore)
            {
                violations.Add(new(TooWeak, $"Too easy to guess (strength {score} of 4; at least {settings.MinStrengthScore} needed). Add more unrelated words."));
            }
        }
        return violations;
    }

    /// <summary>zxcvbn's strength estimate, 0 (very weak) to 4 (very strong), for live feedback.</summary>
    public static int StrengthScore(string candidate, string? loginName) =>
        candidate.Length is 0 or > 256 ? (candidate.Length > 256 ? 4 : 0)
            : new Zxcvbn.Zxcvbn().EvaluatePassword(candidate, string.IsNullOrEmpty(loginName) ? [] : [loginName]).Score;

    public static int CharacterClasses(string candidate) =>
        (candidate.Any(char.IsLower) ? 1 : 0) + (candidate.Any(char.IsUpper) ? 1 : 0)
        + (candidate.Any(char.IsDigit) ? 1 : 0) + (candidate.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
}
