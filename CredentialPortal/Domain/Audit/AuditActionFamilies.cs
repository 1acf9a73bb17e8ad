namespace CredentialPortal.Domain.Audit;

/// <summary>One family of audit actions for the audit view's filter: its actions, or everything about its entity types.</summary>
public sealed record AuditActionFamily(string Name, string Label, IReadOnlyList<string> Actions, IReadOnlyList<string> EntityTypes);

/// <summary>The action families an auditor filters by, defined once beside the action names.</summary>
public static class AuditActionFamilies
{
    public static readonly IReadOnlyList<AuditActionFamily> All =
    [
        new("sign-in", "Sign-in", [AuditActions.SignInSucceeded, AuditActions.SignInFailed, AuditActions.SignInThrottled, AuditActions.StepUp], []),
        new("two-factor", "Two-factor", [AuditActions.TwoFactorEnrolled, AuditActions.TwoFactorRemoved, AuditActions.TwoFactorReset,
            AuditActions.RecoveryCodeUsed, AuditActions.TwoFactorCodeReplayed, AuditActions.PasskeyAdded, AuditActions.PasskeyRenamed, AuditActions.PasskeyRemoved, AuditActions.TwoFactorEnrolmentRequired], []),
        new("password", "Password", [AuditActions.PasswordSet, AuditActions.TemporaryPasswordSet, AuditActions.TemporaryPasswordExpired, AuditActions.TemporaryPasswordChanged], []),
        new("secret", "Secret", [AuditActions.SecretRotated, AuditActions.Verification], []),
        new("role", "Role", [AuditActions.RoleChanged], []),
        new("setting", "Setting", [AuditActions.PolicyChanged], ["settings"]),
        new("lockout", "Lockout", [AuditActions.LockedOut, AuditActions.Unlocked, AuditActions.LockoutExpired, AuditActions.SignInLockedOut,
            AuditActions.SignInLockoutExpired, AuditActions.AccountDisabled, AuditActions.AccountEnabled], []),
        new("server-configuration", "Server configuration", [], ["servers", "configurationProfiles", "settingDefinitions"]),
    ];

    public static AuditActionFamily? Find(string? name) => All.FirstOrDefault(f => f.Name == name);
}
