using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Catalog;
using MudBlazor;

namespace CredentialPortal.Components.Layout;

/// <summary>A section of the side navigation, shown only to roles that hold its permission.</summary>
public sealed record PortalSection(string Title, string Href, string Icon, Permission Permission);

/// <summary>The navigation: the dashboard, every resource of the catalog that has a section, and the audit log.</summary>
public static class PortalSections
{
    // Icons are the portal's own choice; which sections exist is the catalog's.
    private static readonly Dictionary<string, string> SectionIcons = new()
    {
        ["users"] = Icons.Material.Filled.Group, ["machineUsers"] = Icons.Material.Filled.SmartToy,
        ["adSyncProfiles"] = Icons.Material.Filled.AccountTree, ["storageTargets"] = Icons.Material.Filled.CloudUpload,
        ["importSources"] = Icons.Material.Filled.CloudDownload, ["servers"] = Icons.Material.Filled.Dns, ["settings"] = Icons.Material.Filled.Settings,
        ["orgs"] = Icons.Material.Filled.Business,
    };

    private static PortalSection Section(ResourceEntry r) => new(r.PluralTitle, r.PortalPath, SectionIcons.GetValueOrDefault(r.Name, Icons.Material.Filled.Folder), r.ReadPermission);

    public static IReadOnlyList<PortalSection> All { get; } =
    [
        new("Dashboard", "/", Icons.Material.Filled.Dashboard, Permission.ViewDashboard),
        .. ResourceIndex.All.Where(r => r.InNavigation && r != ResourceIndex.Settings).Select(Section),
        new("Audit", "/audit", Icons.Material.Filled.History, Permission.ReadAudit),
        Section(ResourceIndex.Settings),
    ];

    /// <summary>The sections a person with these roles sees; Integrator is API-only and sees none.</summary>
    public static IEnumerable<PortalSection> VisibleTo(IEnumerable<string> roles)
    {
        var held = roles.ToArray();
        return PortalRoles.MaySignInToPortal(held) ? All.Where(s => Permissions.Allows(s.Permission, held)) : [];
    }
}
