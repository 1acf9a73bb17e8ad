using System.Collections.Concurrent;
using System.Globalization;
using CredentialPortal.Data;
using CredentialPortal.Domain.Catalog;

namespace CredentialPortal.Domain.Connectors;

/// <summary>
/// Connector entities' public snapshots by (resource, id), so a credential GET costs no database round trip. A
/// version never goes backwards: a read that started before a change cannot put the older version back, and a
/// version another instance committed (heard through <see cref="ClusterSignals"/>) makes every older copy here stale.
/// </summary>
public sealed class EntitySnapshotCache
{
    private const string Topic = "entity";
    private const int MaxEntries = 50_000;

    private readonly ClusterSignals signals;
    private readonly ConcurrentDictionary<(string Resource, object Id), EntitySnapshot> entries = new();
    private readonly ConcurrentDictionary<(string Resource, object Id), int> committedElsewhere = new();

    public EntitySnapshotCache(ClusterSignals signals)
    {
        this.signals = signals;
        signals.Subscribe(Topic, OnChangedElsewhere, entries.Clear);
    }

    public bool TryGet(EntityResource resource, object id, out EntitySnapshot snapshot) =>
        entries.TryGetValue((resource.Name, id), out snapshot!) && snapshot.Version >= Floor(resource.Name, id);

    /// <summary>Keeps <paramref name="snapshot"/> unless a newer version is known; returns it either way.</summary>
    public EntitySnapshot Remember(EntityResource resource, object id, EntitySnapshot snapshot)
    {
        if (snapshot.Version < Floor(resource.Name, id)) return snapshot;
        if (entries.Count >= MaxEntries) entries.Clear(); // crude bound; reads refill what is hot
        entries.AddOrUpdate((resource.Name, id), snapshot, (_, existing) => existing.Version > snapshot.Version ? existing : snapshot);
        return snapshot;
    }

    /// <summary>A committed change: kept here, announced to the other instances.</summary>
    public async Task<EntitySnapshot> ChangedAsync(EntityResource resource, object id, EntitySnapshot snapshot)
    {
        Remember(resource, id, snapshot);
        await signals.PublishAsync(Topic, string.Create(CultureInfo.InvariantCulture, $"{resource.Name}|{snapshot.Version}|{snapshot.Id}"));
        return snapshot;
    }

    public void Forget(EntityResource resource, object id) => entries.TryRemove((resource.Name, id), out _);

    private int Floor(string resource, object id) => committedElsewhere.TryGetValue((resource, id), out var floor) ? floor : 0;

    private void OnChangedElsewhere(string payload)
    {
        var parts = payload.Split('|', 3);
        if (parts.Length != 3 || EntityCatalog.FindResource(parts[0]) is not { } resource
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || !resource.TryParseId(parts[2], out var id))
        {
            entries.Clear();
            return;
        }
        committedElsewhere.AddOrUpdate((resource.Name, id), version, (_, known) => Math.Max(known, version));
        if (entries.TryGetValue((resource.Name, id), out var cached) && cached.Version < version)
        {
            entries.TryRemove(KeyValuePair.Create((resource.Name, id), cached));
        }
    }
}
