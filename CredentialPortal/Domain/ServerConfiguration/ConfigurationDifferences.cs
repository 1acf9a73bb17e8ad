using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.ServerConfiguration;

/// <summary>
/// Where a server's registry and the database disagree, and their resolution key by key (docs/design.md §6.8): push
/// the database's value as a task, or adopt the registry's as the server's own. While a server has unresolved
/// differences, changes for it are refused with <see cref="DomainStatus.PrerequisiteNotMet"/>.
/// </summary>
public sealed class ConfigurationDifferences(IDbContextFactory<PortalDbContext> contexts, ConfigurationStorage storage, AuditTrail audit)
{
    public async Task<DomainResult<IReadOnlyList<ConfigurationDifference>>> DifferencesAsync(string serverName, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var server = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        return server is null
            ? DomainResult<IReadOnlyList<ConfigurationDifference>>.NotFound($"Server '{serverName}'")
            : DomainResult<IReadOnlyList<ConfigurationDifference>>.Ok(await DifferencesAsync(db, server, cancellationToken));
    }

    /// <summary>Resolves differences key by key: push the database value (a task) or adopt the registry value as the server's custom value.</summary>
    public async Task<DomainResult<int>> ResolveAsync(Actor actor, string serverName, IReadOnlyList<(string Path, bool UseDb)> choices, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<int>(Permission.ChangeServers) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await storage.Writes.EnterAsync(db, cancellationToken: cancellationToken);
        var server = await db.Servers.FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        if (server is null) return DomainResult<int>.NotFound($"Server '{serverName}'");
        var differences = await DifferencesAsync(db, server, cancellationToken);
        var errors = new DomainErrors();
        foreach (var (path, _) in choices.Where(c => differences.All(d => d.Path != c.Path))) errors.Add(path, "This key has no unresolved difference.", "no_difference");
        if (errors.Any) return DomainResult<int>.Invalid(errors);

        var settings = await db.SettingDefinitions.ToDictionaryAsync(s => s.Path, cancellationToken);
        var desired = await ConfigurationStorage.DesiredAsync(db, server, cancellationToken);
        var reported = await db.ConfigurationValues.AsNoTracking().Where(v => v.Scope == ValueScope.Registry && v.OwnerId == server.Id).ToDictionaryAsync(v => v.Path, cancellationToken);
        var custom = await db.ConfigurationValues.Where(v => v.Scope == ValueScope.ServerCustom && v.OwnerId == server.Id).ToDictionaryAsync(v => v.Path, cancellationToken);
        foreach (var (path, useDb) in choices)
        {
            var setting = settings[path];
            if (useDb) storage.AddTask(db, server, setting, desired[path].Value);
            else storage.Store(db, custom.GetValueOrDefault(path), ValueScope.ServerCustom, server.Id, setting, storage.Plain(reported[path], setting)!);
        }
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.DifferencesResolved, "servers", server.Name, choices.Select(c => c.Path),
            outcome: string.Join("; ", choices.Select(c => $"{c.Path}: {(c.UseDb ? "database" : "registry")}")))], cancellationToken);
        await section.CommitAsync(cancellationToken);
        return DomainResult<int>.Ok(choices.Count);
    }

    /// <summary>The refusal for a change that would reach a server with unresolved differences; null when none has any.</summary>
    internal async Task<DomainResult<int>?> BlockedAsync(PortalDbContext db, IEnumerable<Server> servers, CancellationToken cancellationToken)
    {
        foreach (var server in servers)
        {
            var differences = await DifferencesAsync(db, server, cancellationToken);
            if (differences.Count > 0)
            {
                return DomainResult<int>.PrerequisiteNotMet(
                    $"Server '{server.Name}' has {differences.Count} unresolved configuration difference(s) ({string.Join(", ", differences.Select(d => d.Path))}). Resolve them first.");
            }
        }
        return null;
    }

    /// <summary>One server's differences: a fixed number of queries whatever the number of settings.</summary>
    internal async Task<List<ConfigurationDifference>> DifferencesAsync(PortalDbContext db, Server server, CancellationToken cancellationToken)
    {
        var result = new List<ConfigurationDifference>();
        if (server.AgentLastSeen is null) return result; // nothing known about the registry yet
        var settings = await db.SettingDefinitions.AsNoTracking().ToListAsync(cancellationToken);
        var inFlight = await db.ConfigurationTasks.AsNoTracking().Where(t => t.ServerId == server.Id && (t.Status == ConfigurationTaskStatus.Pending || t.Status == ConfigurationTaskStatus.Applying))
            .SelectMany(t => t.Actions.Select(a => a.Path)).Distinct().ToListAsync(cancellationToken);
        var reported = await db.ConfigurationValues.AsNoTracking().Where(v => v.Scope == ValueScope.Registry && v.OwnerId == server.Id).ToDictionaryAsync(v => v.Path, cancellationToken);
        var desired = await ConfigurationStorage.DesiredAsync(db, server, cancellationToken);
        foreach (var setting in settings.Where(s => !inFlight.Contains(s.Path)).OrderBy(s => s.Path))
        {
            if (!desired.TryGetValue(setting.Path, out var wanted)) continue;
            var registry = reported.GetValueOrDefault(setting.Path);
            var dbPlain = storage.Plain(wanted.Value, setting);
            var registryPlain = registry is null ? null : storage.Plain(registry, setting);
            if (!string.Equals(dbPlain, registryPlain, StringComparison.Ordinal))
            {
                var secret = setting.Type == SettingType.Secret;
                result.Add(new ConfigurationDifference(setting.Path,
                    secret ? (registry is null ? null : "(secret: differs)") : registryPlain,
                    secret ? "(secret)" : dbPlain, wanted.Custom, secret));
            }
        }
        return result;
    }
}
