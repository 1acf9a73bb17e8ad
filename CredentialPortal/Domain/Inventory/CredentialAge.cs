using System.Globalization;
using CredentialPortal.Data;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Settings;
using CredentialPortal.Domain.Users;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Inventory;

/// <summary>A credential unchanged for too long: a connector secret or a local user's password.</summary>
public sealed record StaleCredential(string Resource, string EntityId, string Property, DateTime? ChangedAt)
{
    /// <summary>The entity's last connection check (connector secrets only): whether the old credential still works.</summary>
    public string? LastCheckResult { get; init; }
    public DateTime? LastCheckedAt { get; init; }

    /// <summary>The entity's name and page (type and id when it is gone), resolved for the whole list at once.</summary>
    public EntityLabel Entity { get; init; } = EntityLabel.Unknown(new(Resource, EntityId));
}

/// <summary>"Which credentials are older than N days" — one indexed query per kind of credential.</summary>
public sealed class CredentialAge(IDbContextFactory<PortalDbContext> contexts, SecuritySettingsStore settings, TimeProvider clock)
{
    /// <summary>Credentials older than <paramref name="maxAge"/> (default: the configured stale age), oldest first.</summary>
    public async Task<IReadOnlyList<StaleCredential>> StaleAsync(TimeSpan? maxAge = null, int limit = 1000, CancellationToken cancellationToken = default)
    {
        var age = maxAge ?? TimeSpan.FromDays((await settings.GetAsync(cancellationToken)).StaleCredentialMaxAgeDays);
        var cutoff = clock.GetUtcNow().UtcDateTime - age;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var secrets = await db.StoredSecrets.AsNoTracking().Where(s => s.ChangedAt < cutoff).OrderBy(s => s.ChangedAt).Take(limit)
            .Select(s => new StaleCredential(s.Resource, s.EntityKey, s.Property, s.ChangedAt)).ToListAsync(cancellationToken);
        // "Last verified": the connection checks of these entities, in one query.
        var keys = secrets.Select(s => s.EntityId).Distinct().ToList();
        var checks = (await db.ConnectionCheckStates.AsNoTracking().Where(c => keys.Contains(c.EntityKey))
                .Select(c => new { c.Resource, c.EntityKey, c.Result, c.CheckedAt }).ToListAsync(cancellationToken))
            .ToDictionary(c => (c.Resource, c.EntityKey));
        secrets = secrets.Select(s => checks.TryGetValue((s.Resource, s.EntityId), out var c) ? s with { LastCheckResult = c.Result, LastCheckedAt = c.CheckedAt } : s).ToList();
        var passwords = await db.Users.AsNoTracking()
            .Where(u => u.Source == UserSource.Local && u.PasswordHash != null && (u.LastPasswordChange == null || u.LastPasswordChange < cutoff))
            .OrderBy(u => u.LastPasswordChange).Take(limit)
            .Select(u => new { u.Id, u.LastPasswordChange }).ToListAsync(cancellationToken);
        var stale = secrets
            .Concat(passwords.Select(u => new StaleCredential(Catalog.AccountCatalog.Users.Resource, u.Id.ToString(CultureInfo.InvariantCulture), PeopleCredentials.PasswordProperty, u.LastPasswordChange)))
            .OrderBy(c => c.ChangedAt ?? DateTime.MinValue).Take(limit).ToList();
        // The entities' names for the whole list in one query.
        var labels = await EntityNames.LabelsAsync(db, stale.Select(s => new EntityReference(s.Resource, s.EntityId)), cancellationToken);
        return stale.Select(s => s with { Entity = labels[new(s.Resource, s.EntityId)] }).ToList();
    }
}
