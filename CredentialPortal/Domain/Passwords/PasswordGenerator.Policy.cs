namespace CredentialPortal.Domain.Passwords;

public static partial class PasswordGenerator
{
    /// <summary>
    /// A password that satisfies <paramref name="settings"/> for anyone: at least the default length and the longest
    /// minimum (the one without two-factor).
    /// </summary>
    public static string Generate(Settings.SecuritySettings settings) =>
        Generate(Math.Clamp(Math.Max(DefaultLength, Math.Max(settings.PasswordMinLengthWithoutTwoFactor, settings.PasswordMinLengthWithTwoFactor)), 4, settings.PasswordMaxLength));
}
