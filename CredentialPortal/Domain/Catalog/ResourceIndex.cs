using CredentialPortal.Domain.Access;

namespace CredentialPortal.Domain.Catalog;

/// <summary>
/// One thing the product keeps and audits: its audit entity type (the API's resource name), its titles, where the
/// portal shows it, and the permission that reads it.
/// </summary>
public sealed record ResourceEntry(
    string Name,
    string Title,
    string PluralTitle,
    string PortalPath,
    Permission ReadPermission,
    bool HoldsCredentials,
    bool InNavigation = true)
{
    /// <summary>The portal page of one entity of this resource, when it has one.</summary>
    public string? EntityPath(string id) => Name switch
    {
        "settings" or "orgs" => PortalPath,
        _ => $"{PortalPath}/{Uri.EscapeDataString(id)}",
    };
}

/// <summary>
/// Every resource of the catalog (docs/design.md §3), accounts, connectors and server configuration alike: the audit
/// filters, the dashboard's inventory and the navigation list them from here.
/// </summary>
public static class ResourceIndex
{
    public static ResourceEntry Users { get; } = new(AccountCatalog.Users.Resource, "User", "Users", "/users", Permission.ReadPeople, HoldsCredentials: true);
    public static ResourceEntry MachineUsers { get; } = new(AccountCatalog.MachineUsers.Resource, "Machine user", "Machine users", "/machine-users", Permission.ReadCredentials, HoldsCredentials: true);
    public static ResourceEntry Servers { get; } = new("servers", "Server", "Servers", "/servers", Permission.ReadServers, HoldsCredentials: true);
    public static ResourceEntry ConfigurationProfiles { get; } =
        new("configurationProfiles", "Configuration profile", "Configuration profiles", "/configuration-profiles", Permission.ReadServers, HoldsCredentials: true, InNavigation: false);
    public static ResourceEntry Organisations { get; } =
        new(AccountCatalog.Organisations, "Organisation", "Organisations", "/orgs", Permission.ReadCredentials, HoldsCredentials: false, InNavigation: false);
    public static ResourceEntry Settings { get; } = new("settings", "Settings", "Settings", "/settings", Permission.ManageSettings, HoldsCredentials: false);

    /// <summary>In the order the navigation shows them.</summary>
    public static IReadOnlyList<ResourceEntry> All { get; } =
    [
        Users,
        MachineUsers,
        .. EntityCatalog.Resources.Select(r => new ResourceEntry(r.Name, r.Title, r.PluralTitle, r.PortalPath, Permission.ReadCredentials, HoldsCredentials: true)),
        Servers,
        ConfigurationProfiles,
        Organisations,
        Settings,
    ];

    public static ResourceEntry? Find(string? name) => All.FirstOrDefault(r => r.Name == name);
}
