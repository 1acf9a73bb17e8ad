namespace CredentialPortal.Domain.Passwords;

public static partial class PasswordGenerator
{
    /// <summary>A password that satisfies <paramref name="settings"/>: at least the default length and the policy's minimum.</summary>
    public static string Generate(Settings.SecuritySettings settings) =>
        Generate(Math.Clamp(Math.Max(DefaultLength, settings.PasswordMinLength), 4, settings.PasswordMaxLength));
}
