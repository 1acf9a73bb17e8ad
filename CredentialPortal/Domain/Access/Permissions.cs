using CredentialPortal.Domain.Audit;
using Microsoft.AspNetCore.Authorization;

namespace CredentialPortal.Domain.Access;

/// <summary>Something a person or a program may be allowed to do. Each has one row in <see cref="Permissions.Table"/>.</summary>
public enum Permission
{
    /// <summary>See the dashboard.</summary>
    ViewDashboard,
    /// <summary>List and read people's accounts.</summary>
    ReadPeople,
    /// <summary>Change people's public fields (display name, email).</summary>
    EditPeople,
    /// <summary>Change people's roles, enable or disable accounts.</summary>
    ManageAccounts,
    /// <summary>Set or reset a person's password.</summary>
    SetPasswords,
    /// <summary>Check a plain password against a person's.</summary>
    VerifyPasswords,
    /// <summary>End a person's sign-in lockout early.</summary>
    UnlockPeople,
    /// <summary>Reset a person's two-factor sign-in (a lost phone): their authenticator and recovery codes go, their sessions end.</summary>
    ResetTwoFactor,
    /// <summary>List and read connector credentials (AD sync profiles, storage targets, import sources) and machine users.</summary>
    ReadCredentials,
    /// <summary>Change connector credentials, secrets included.</summary>
    ChangeCredentials,
    /// <summary>Check a plain value against a connector secret.</summary>
    VerifyCredentials,
    /// <summary>Check a stored connector credential against its target (on demand; the schedule runs as the system).</summary>
    TestConnections,
    /// <summary>Read an organisation's users (also: any member of that organisation).</summary>
    ReadOrganisation,
    /// <summary>Add machine users and set their passwords (also: the organisation's Admin members; a machine user its own password).</summary>
    ManageMachineUsers,
    /// <summary>Create organisations and change memberships.</summary>
    ManageOrganisations,
    /// <summary>Read servers, profiles, values, differences and tasks.</summary>
    ReadServers,
    /// <summary>Change server configuration; server agents report registries and collect tasks.</summary>
    ChangeServers,
    /// <summary>Read the audit log and verification attempts, export them.</summary>
    ReadAudit,
    /// <summary>Change the security settings and lift verification lockouts.</summary>
    ManageSettings,
}

/// <summary>Who else, beyond the roles, holds a permission within one organisation.</summary>
public enum OrgScope
{
    None,
    /// <summary>Any member of the organisation.</summary>
    Member,
    /// <summary>A member with the organisation role Admin.</summary>
    OrgAdmin,
}

/// <summary>One row of the permission table.</summary>
public sealed record PermissionRule(Permission Permission, IReadOnlyList<string> Roles, OrgScope OrgScope = OrgScope.None, bool OwnAccount = false);

/// <summary>
/// The one permission table (docs/design.md §2): each permission, the roles that hold it, and the organisation-scoped
/// rules. Registered once as authorization policies; every API endpoint declares one of them, every domain write method
/// asks <see cref="Allows(Actor, Permission)"/>, and the portal uses it to decide what to show.
/// </summary>
public static class Permissions
{
    private const string Administrator = PortalRoles.Administrator;
    private const string Helpdesk = PortalRoles.Helpdesk;
    private const string Auditor = PortalRoles.Auditor;
    private const string Integrator = PortalRoles.Integrator;

    public static IReadOnlyDictionary<Permission, PermissionRule> Table { get; } = new PermissionRule[]
    {
        new(Permission.ViewDashboard, [Administrator, Helpdesk, Auditor]),
        new(Permission.ReadPeople, [Administrator, Helpdesk, Auditor, Integrator]),
        new(Permission.EditPeople, [Administrator, Integrator]),
        new(Permission.ManageAccounts, [Administrator]),
        // Helpdesk: passwords only — set, verify, unlock; nothing else of a person.
        new(Permission.SetPasswords, [Administrator, Helpdesk, Integrator]),
        new(Permission.VerifyPasswords, [Administrator, Helpdesk, Integrator]),
        new(Permission.UnlockPeople, [Administrator, Helpdesk]),
        new(Permission.ResetTwoFactor, [Administrator, Helpdesk]),
        new(Permission.ReadCredentials, [Administrator, Auditor, Integrator]),
        new(Permission.ChangeCredentials, [Administrator, Integrator]),
        new(Permission.VerifyCredentials, [Administrator, Integrator]),
        new(Permission.TestConnections, [Administrator, Integrator]),
        new(Permission.ReadOrganisation, [Administrator, Auditor, Integrator], OrgScope.Member),
        new(Permission.ManageMachineUsers, [Administrator, Integrator], OrgScope.OrgAdmin, OwnAccount: true),
        new(Permission.ManageOrganisations, [Administrator]),
        new(Permission.ReadServers, [Administrator, Auditor, Integrator]),
        // Server agents sign in with an Integrator account: they report registries and collect their tasks.
        new(Permission.ChangeServers, [Administrator, Integrator]),
        new(Permission.ReadAudit, [Administrator, Auditor]),
        new(Permission.ManageSettings, [Administrator]),
    }.ToDictionary(r => r.Permission);

    /// <summary>Do these roles hold the permission everywhere (not only within some organisation)?</summary>
    public static bool Allows(Permission permission, IEnumerable<string> roles) => Table[permission].Roles.Intersect(roles).Any();

    /// <summary>Does the actor hold the permission through its roles? The system itself (start-up, seeding) holds all.</summary>
    public static bool Allows(this Actor actor, Permission permission) =>
        actor.Door == Door.System || Allows(permission, actor.Roles);

    /// <summary>The refusal a domain method returns when the actor lacks the permission; null when it holds it.</summary>
    public static DomainResult<T>? Refuse<T>(this Actor actor, Permission permission) =>
        actor.Allows(permission) ? null : DomainResult<T>.Forbidden(RefusalMessage(permission));

    public static string RefusalMessage(Permission permission) => permission switch
    {
        Permission.SetPasswords or Permission.VerifyPasswords or Permission.UnlockPeople => "Your role may not set, verify or unlock people's passwords.",
        Permission.ResetTwoFactor => "Only the helpdesk and administrators reset a person's two-factor sign-in.",
        Permission.EditPeople => "Your role may change a person's password only, not their other properties.",
        Permission.ManageAccounts => "Only administrators change roles and enable or disable accounts.",
        Permission.ManageMachineUsers => "You may set the password of your own account or of machine users in organisations you administer.",
        Permission.ReadOrganisation => "You are not a member of this organisation.",
        Permission.ManageSettings => "Only administrators change settings.",
        _ => "Your role does not allow this operation.",
    };

    /// <summary>The authorization policy name of a permission: what <c>.RequireAuthorization</c> and <c>[Authorize]</c> name.</summary>
    public static string Policy(Permission permission) => "permission:" + permission;

    /// <summary>Registers every permission as an authorization policy, once.</summary>
    public static AuthorizationBuilder AddPermissionPolicies(this AuthorizationBuilder builder)
    {
        foreach (var permission in Table.Keys)
        {
            builder.AddPolicy(Policy(permission), p => p.RequireAuthenticatedUser().AddRequirements(new PermissionRequirement(permission)));
        }
        return builder;
    }
}
