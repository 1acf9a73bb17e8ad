using CredentialPortal.Data;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Inventory;

/// <summary>How many of a credential-holding resource exist (people split by source), for the dashboard.</summary>
public sealed record InventoryCount(ResourceEntry Resource, string Label, int Count);

/// <summary>Counts every credential-holding resource of the catalog (<see cref="ResourceIndex"/>).</summary>
public sealed class CredentialInventory(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<IReadOnlyList<InventoryCount>> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var people = db.Users.Where(u => !u.IsMachine);
        var counts = new List<InventoryCount>
        {
            new(ResourceIndex.Users, "Local users", await people.CountAsync(u => u.Source == UserSource.Local, cancellationToken)),
            new(ResourceIndex.Users, "AD-synchronised users", await people.CountAsync(u => u.Source == UserSource.ActiveDirectory, cancellationToken)),
            new(ResourceIndex.MachineUsers, ResourceIndex.MachineUsers.PluralTitle, await db.Users.CountAsync(u => u.IsMachine, cancellationToken)),
        };
        foreach (var resource in EntityCatalog.Resources)
        {
            counts.Add(new(ResourceIndex.Find(resource.Name)!, resource.PluralTitle, await resource.Query(db, null, null).CountAsync(cancellationToken)));
        }
        counts.Add(new(ResourceIndex.Servers, ResourceIndex.Servers.PluralTitle, await db.Servers.CountAsync(cancellationToken)));
        return counts;
    }
}
