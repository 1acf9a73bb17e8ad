using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Inventory;

/// <summary>How many of each credential-holding entity exist, for the dashboard.</summary>
public sealed record InventoryCount(string Label, int Count, string Href, string Policy);

public sealed class CredentialInventory(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<IReadOnlyList<InventoryCount>> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return
        [
            new("Local users", await db.Users.CountAsync(u => u.Source == UserSource.Local, cancellationToken), "/users", PortalPolicies.ViewUsers),
            new("AD-synchronised users", await db.Users.CountAsync(u => u.Source == UserSource.ActiveDirectory, cancellationToken), "/users", PortalPolicies.ViewUsers),
            new("AD sync profiles", await db.AdSyncProfiles.CountAsync(cancellationToken), "/ad-sync-profiles", PortalPolicies.ViewCredentials),
            new("Storage targets", await db.StorageTargets.CountAsync(cancellationToken), "/storage-targets", PortalPolicies.ViewCredentials),
            new("Import sources", await db.ImportSources.CountAsync(cancellationToken), "/import-sources", PortalPolicies.ViewCredentials),
        ];
    }
}
