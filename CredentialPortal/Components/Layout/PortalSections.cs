using CredentialPortal.Domain.Access;

namespace CredentialPortal.Components.Layout;

/// <summary>A section of the side navigation, shown only to roles its policy admits.</summary>
public sealed record PortalSection(string Title, string Href, string Icon, string Policy);

public static class PortalSections
{
    public static IReadOnlyList<PortalSection> All { get; } =
    [
        new("Dashboard", "/", "dashboard", PortalPolicies.ViewDashboard),
        new("Users", "/users", "group", PortalPolicies.ViewUsers),
        new("Machine users", "/machine-users", "smart_toy", PortalPolicies.ViewCredentials),
        new("AD sync profiles", "/ad-sync-profiles", "account_tree", PortalPolicies.ViewCredentials),
        new("Storage targets", "/storage-targets", "cloud_upload", PortalPolicies.ViewCredentials),
        new("Import sources", "/import-sources", "cloud_download", PortalPolicies.ViewCredentials),
        new("Servers", "/servers", "dns", PortalPolicies.ViewCredentials),
        new("Audit", "/audit", "history", PortalPolicies.ViewAudit),
        new("Settings", "/settings", "settings", PortalPolicies.ManageSettings),
    ];

    public static IEnumerable<PortalSection> VisibleTo(IEnumerable<string> roles)
    {
        var held = roles.ToArray();
        return All.Where(s => PortalPolicies.Allows(s.Policy, held));
    }
}
