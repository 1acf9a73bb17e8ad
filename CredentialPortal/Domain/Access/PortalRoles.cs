namespace CredentialPortal.Domain.Access;

/// <summary>The four roles of docs/design.md §2. Role names are stored in the database and appear in tokens.</summary>
public static class PortalRoles
{
    public const string Administrator = "Administrator";
    public const string Helpdesk = "Helpdesk";
    public const string Auditor = "Auditor";
    public const string Integrator = "Integrator";

    public static IReadOnlyList<string> All { get; } = [Administrator, Helpdesk, Auditor, Integrator];

    /// <summary>Roles that may sign in to the browser portal; Integrator is API-only.</summary>
    public static IReadOnlyList<string> Portal { get; } = [Administrator, Helpdesk, Auditor];

    public static bool MaySignInToPortal(IEnumerable<string> roles) => roles.Any(r => Portal.Contains(r));
}
