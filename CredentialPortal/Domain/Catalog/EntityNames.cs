using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Catalog;

/// <summary>An audited entity, by its audit entity type (a <see cref="ResourceEntry.Name"/>) and id.</summary>
public readonly record struct EntityReference(string Type, string Id);

/// <summary>How a list shows an entity: its name linked to its page, or type and id when it is gone or unknown.</summary>
public sealed record EntityLabel(string Text, string? Path, bool Found)
{
    /// <summary>The fallback for an entity that no longer exists (or never did): its type's title and its id.</summary>
    public static EntityLabel Unknown(EntityReference entity) =>
        new($"{ResourceIndex.Find(entity.Type)?.Title ?? entity.Type} {entity.Id}", null, false);
}

/// <summary>One named entity as a row of the union the name queries read: which table, its key as text, its name.</summary>
public sealed class EntityNameRow
{
    /// <summary>The table's resource: people and machine users share <c>users</c>.</summary>
    public string Table { get; init; } = "";
    public string Key { get; init; } = "";
    public string? Name { get; init; }
}

/// <summary>
/// The names of audited entities (people, machine users, connectors, servers, profiles, organisations), resolved for a
/// whole list in one query — a UNION ALL over the named tables, each seeking its own keys — never one query per row.
/// </summary>
public sealed class EntityNames(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>What the audit log calls the security settings, its one settings entity.</summary>
    public const string SettingsLabel = "Security settings";

    public async Task<IReadOnlyDictionary<EntityReference, EntityLabel>> LabelsAsync(IEnumerable<EntityReference> entities, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await LabelsAsync(db, entities, cancellationToken);
    }

    /// <summary>A label per distinct entity: its name and page when it exists, else type and id.</summary>
    public static async Task<IReadOnlyDictionary<EntityReference, EntityLabel>> LabelsAsync(PortalDbContext db, IEnumerable<EntityReference> entities, CancellationToken cancellationToken = default)
    {
        var wanted = entities.Distinct().ToList();
        var labels = new Dictionary<EntityReference, EntityLabel>();
        IQueryable<EntityNameRow>? union = null;
        foreach (var group in wanted.Where(e => e.Type != ResourceIndex.Settings.Name).GroupBy(e => TableOf(e.Type)))
        {
            var keys = group.Select(e => e.Id).Distinct().ToList();
            if (Rows(db, group.Key, keys) is { } rows) union = union is null ? rows : union.Concat(rows);
        }
        var found = union is null ? [] : await union.ToListAsync(cancellationToken);
        var names = found.Where(r => !string.IsNullOrWhiteSpace(r.Name))
            .GroupBy(r => (r.Table, Key: Normalise(r.Table, r.Key))).ToDictionary(g => g.Key, g => g.First().Name!);
        foreach (var entity in wanted)
        {
            labels[entity] = entity.Type == ResourceIndex.Settings.Name
                ? new EntityLabel(SettingsLabel, ResourceIndex.Settings.PortalPath, true)
                : names.TryGetValue((TableOf(entity.Type), Normalise(TableOf(entity.Type), entity.Id)), out var name)
                    ? new EntityLabel(name, ResourceIndex.Find(entity.Type)?.EntityPath(entity.Id), true)
                    : EntityLabel.Unknown(entity);
        }
        return labels;
    }

    /// <summary>
    /// Every named entity whose name contains <paramref name="text"/> (case-insensitive), as a query to compose: the audit
    /// log's filter by entity name runs it as a subquery of its own statement.
    /// </summary>
    public static IQueryable<EntityNameRow> Matching(PortalDbContext db, string text) =>
        Tables.Select(table => Rows(db, table, keys: null)!.WhereAnyContains(db, text, r => r.Name))
            .Aggregate((all, next) => all.Concat(next));

    /// <summary>The table an audit entity type lives in (people and machine users are both users).</summary>
    public static string TableOf(string type) => type == ResourceIndex.MachineUsers.Name ? ResourceIndex.Users.Name : type;

    private static readonly string[] Tables =
    [
        ResourceIndex.Users.Name, .. EntityCatalog.Resources.Select(r => r.Name), ResourceIndex.Servers.Name,
        ResourceIndex.ConfigurationProfiles.Name, ResourceIndex.Organisations.Name,
    ];

    // Guid keys are written upper-case in the audit log (CredentialEntity.Key); compare them that way.
    private static string Normalise(string table, string key) =>
        EntityCatalog.FindResource(table) is not null && Guid.TryParse(key, out var guid) ? guid.ToString("D").ToUpperInvariant() : key;

    /// <summary>One table's (table, key, name) rows, only those with <paramref name="keys"/> when given; null for a table without names.</summary>
    // int.ToString() here is SQL (a CAST to text), never run in .NET: no culture is involved.
#pragma warning disable CA1305
    private static IQueryable<EntityNameRow>? Rows(PortalDbContext db, string table, IReadOnlyCollection<string>? keys)
    {
        if (EntityCatalog.FindResource(table) is { } resource) return resource.Names(db, keys);
        List<int>? ids = keys?.Select(k => Identifiers.TryParseNumber(k, out var id) ? (int?)id : null).OfType<int>().ToList();
        if (ids is { Count: 0 } && table != ResourceIndex.Servers.Name) return null;
        if (table == ResourceIndex.Users.Name)
        {
            return db.Users.Where(u => ids == null || ids.Contains(u.Id))
                .Select(u => new EntityNameRow { Table = "users", Key = u.Id.ToString(), Name = u.DisplayName != "" ? u.DisplayName : u.UserName });
        }
        if (table == ResourceIndex.Servers.Name)
        {
            // A server's audit id is its name.
            return db.Servers.Where(s => keys == null || keys.Contains(s.Name)).Select(s => new EntityNameRow { Table = "servers", Key = s.Name, Name = s.Name });
        }
        if (table == ResourceIndex.ConfigurationProfiles.Name)
        {
            return db.ConfigurationProfiles.Where(p => ids == null || ids.Contains(p.Id))
                .Select(p => new EntityNameRow { Table = "configurationProfiles", Key = p.Id.ToString(), Name = p.Name });
        }
        if (table == ResourceIndex.Organisations.Name)
        {
            return db.Organisations.Where(o => ids == null || ids.Contains(o.Id))
                .Select(o => new EntityNameRow { Table = "orgs", Key = o.Id.ToString(), Name = o.Name });
        }
        return null;
    }
#pragma warning restore CA1305
}
