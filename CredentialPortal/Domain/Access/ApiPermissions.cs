namespace CredentialPortal.Domain.Access;

/// <summary>What each role may do through the REST API (DESIGN §2, issue 4). The endpoints ask here; nothing else decides.</summary>
public static class ApiPermissions
{
    public enum Operation
    {
        ReadConnectors,
        ChangeConnectors,
        VerifyConnectors,
        ReadUsers,
        ChangeUsers,
        VerifyUsers,
        ReadServers,
        ChangeServers,
        ReadAudit,
    }

    private static readonly IReadOnlyDictionary<Operation, string[]> RolesByOperation = new Dictionary<Operation, string[]>
    {
        [Operation.ReadConnectors] = [PortalRoles.Administrator, PortalRoles.Integrator, PortalRoles.Auditor],
        [Operation.ChangeConnectors] = [PortalRoles.Administrator, PortalRoles.Integrator],
        [Operation.VerifyConnectors] = [PortalRoles.Administrator, PortalRoles.Integrator],
        [Operation.ReadUsers] = [PortalRoles.Administrator, PortalRoles.Integrator, PortalRoles.Auditor, PortalRoles.Helpdesk],
        [Operation.ChangeUsers] = [PortalRoles.Administrator, PortalRoles.Integrator, PortalRoles.Helpdesk],
        [Operation.VerifyUsers] = [PortalRoles.Administrator, PortalRoles.Integrator, PortalRoles.Helpdesk],
        [Operation.ReadServers] = [PortalRoles.Administrator, PortalRoles.Integrator, PortalRoles.Auditor],
        // Server agents sign in with an Integrator account: they report registries and collect their tasks.
        [Operation.ChangeServers] = [PortalRoles.Administrator, PortalRoles.Integrator],
        [Operation.ReadAudit] = [PortalRoles.Administrator, PortalRoles.Auditor],
    };

    public static bool Allows(Operation operation, IEnumerable<string> roles) => RolesByOperation[operation].Intersect(roles).Any();

    /// <summary>
    /// Which properties of a user a caller may PATCH: Helpdesk resets passwords and nothing else.
    /// Returns the properties the caller may not change (empty when all are allowed).
    /// </summary>
    public static IReadOnlyList<string> UserPropertiesDenied(IEnumerable<string> roles, IEnumerable<string> properties)
    {
        var roleList = roles.ToList();
        if (roleList.Contains(PortalRoles.Administrator) || roleList.Contains(PortalRoles.Integrator)) return [];
        return properties.Where(p => p != Users.PeopleCredentials.PasswordProperty).ToList();
    }
}
