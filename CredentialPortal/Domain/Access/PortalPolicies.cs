using Microsoft.AspNetCore.Authorization;

namespace CredentialPortal.Domain.Access;

/// <summary>
/// Who may do what (docs/design.md §2), as named authorization policies. Pages, endpoints and the navigation
/// all refer to these names; the role lists below are the only place the mapping is written.
/// </summary>
public static class PortalPolicies
{
    public const string ViewDashboard = nameof(ViewDashboard);
    public const string ViewUsers = nameof(ViewUsers);
    public const string ViewCredentials = nameof(ViewCredentials);
    public const string ViewAudit = nameof(ViewAudit);
    public const string ManageSettings = nameof(ManageSettings);
    /// <summary>Change connector credentials (edit, rotate) and verify them.</summary>
    public const string ManageCredentials = nameof(ManageCredentials);
    /// <summary>Set or reset a person's password, unlock them, verify their password.</summary>
    public const string ResetPasswords = nameof(ResetPasswords);
    /// <summary>Edit people's public fields, roles, enabled flag.</summary>
    public const string ManageUsers = nameof(ManageUsers);

    public static IReadOnlyDictionary<string, string[]> RolesByPolicy { get; } = new Dictionary<string, string[]>
    {
        [ViewDashboard] = [PortalRoles.Administrator, PortalRoles.Helpdesk, PortalRoles.Auditor],
        [ViewUsers] = [PortalRoles.Administrator, PortalRoles.Helpdesk, PortalRoles.Auditor],
        [ViewCredentials] = [PortalRoles.Administrator, PortalRoles.Auditor],
        [ViewAudit] = [PortalRoles.Administrator, PortalRoles.Auditor],
        [ManageSettings] = [PortalRoles.Administrator],
        [ManageCredentials] = [PortalRoles.Administrator],
        [ResetPasswords] = [PortalRoles.Administrator, PortalRoles.Helpdesk],
        [ManageUsers] = [PortalRoles.Administrator],
    };

    public static bool Allows(string policy, IEnumerable<string> roles) =>
        RolesByPolicy[policy].Intersect(roles).Any();

    public static AuthorizationBuilder AddPortalPolicies(this AuthorizationBuilder builder)
    {
        foreach (var (policy, roles) in RolesByPolicy)
        {
            builder.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }
        return builder;
    }
}
