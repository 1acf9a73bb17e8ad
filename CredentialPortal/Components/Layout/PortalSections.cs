using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Catalog;

namespace CredentialPortal.Components.Layout;

/// <summary>A section of the side navigation, shown only to roles that hold its permission.</summary>
public sealed record PortalSection(string Title, string Href, string Icon, Permission Permission);

/// <summary>The navigation: the dashboard, every resource of the catalog that has a section, and the audit log.</summary>
public static class PortalSections
{
    // Icons are the portal's own choice; which sections exist is the catalog's.
    private static readonly Dictionary<string, string> Icons = new()
    {
        ["users"] = "group", ["machineUsers"] = "smart_toy", ["adSyncProfiles"] = "account_tree", ["storageTargets"] = "cloud_upload",
        ["importSources"] = "cloud_download", ["servers"] = "dns", ["settings"] = "settings",
    };

    private static PortalSection Section(ResourceEntry r) => new(r.PluralTitle, r.PortalPath, Icons.GetValueOrDefault(r.Name, "folder"), r.ReadPermission);

    public static IReadOnlyList<PortalSection> All { get; } =
    [
        new("Dashboard", "/", "dashboard", Permission.ViewDashboard),
        .. ResourceIndex.All.Where(r => r.InNavigation && r != ResourceIndex.Settings).Select(Section),
        new("Audit", "/audit", "history", Permission.ReadAudit),
        Section(ResourceIndex.Settings),
    ];

    /// <summary>The sections a person with these roles sees; Integrator is API-only and sees none.</summary>
    public static IEnumerable<PortalSection> VisibleTo(IEnumerable<string> roles)
    {
        var held = roles.ToArray();
        return PortalRoles.MaySignInToPortal(held) ? All.Where(s => Permissions.Allows(s.Permission, held)) : [];
    }
}
