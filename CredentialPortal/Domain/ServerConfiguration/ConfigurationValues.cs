using System.Globalization;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.ServerConfiguration;

/// <summary>
/// The desired configuration in the database (docs/design.md §6.8): values per profile (one per server role) and each
/// server's own custom values. A change creates a task for every server it reaches.
/// </summary>
public sealed class ConfigurationValues(
    IDbContextFactory<PortalDbContext> contexts, ConfigurationStorage storage, ConfigurationDifferences differences, AuditTrail audit)
{
    public async Task<Server?> FindServerAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
    }

    public async Task<IReadOnlyList<ConfigurationProfile>> ListProfilesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.ConfigurationProfiles.AsNoTracking().OrderBy(p => p.Id).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SettingDefinition>> ListSettingsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.SettingDefinitions.AsNoTracking().OrderBy(s => s.Path).ToListAsync(cancellationToken);
    }

    /// <summary>The values of a profile (or, with <paramref name="serverId"/>, a server's effective values), secrets masked.</summary>
    public async Task<IReadOnlyList<SettingValue>> ValuesAsync(int? profileId, int? serverId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var settings = await db.SettingDefinitions.AsNoTracking().OrderBy(s => s.Path).ToListAsync(cancellationToken);
        if (profileId is { } pid)
        {
            var values = await db.ConfigurationValues.AsNoTracking().Where(v => v.Scope == ValueScope.Profile && v.OwnerId == pid).ToDictionaryAsync(v => v.Path, cancellationToken);
            return settings.Select(s => ConfigurationStorage.Masked(s, values.GetValueOrDefault(s.Path), "profile")).ToList();
        }
        if (serverId is { } sid && await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid, cancellationToken) is { } server)
        {
            var desired = await ConfigurationStorage.DesiredAsync(db, server, cancellationToken);
            return settings.Select(s => desired.TryGetValue(s.Path, out var d)
                ? ConfigurationStorage.Masked(s, d.Value, d.Custom ? "server" : "profile")
                : ConfigurationStorage.Masked(s, null, "profile")).ToList();
        }
        return [];
    }

    /// <summary>Sets a profile's value: affects every server of the profile's role that has no custom value for the key.</summary>
    public async Task<DomainResult<int>> SetProfileValueAsync(Actor actor, int profileId, string path, JsonNode? value, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<int>(Permission.ChangeServers) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await storage.Writes.EnterAsync(db, cancellationToken: cancellationToken);
        var profile = await db.ConfigurationProfiles.FirstOrDefaultAsync(p => p.Id == profileId, cancellationToken);
        if (profile is null) return DomainResult<int>.NotFound($"Configuration profile {profileId}");
        var setting = await db.SettingDefinitions.FirstOrDefaultAsync(s => s.Path == path, cancellationToken);
        if (setting is null) return DomainResult<int>.NotFound($"Setting '{path}'");
        if (ConfigurationStorage.Read(setting, value, out var plain) is { } error) return DomainResult<int>.Invalid(new DomainErrors().Add("value", error, "invalid_value"));

        var servers = (await db.Servers.ToListAsync(cancellationToken)).Where(s => s.RoleList.Contains(profile.Role)).ToList();
        var ids = servers.Select(s => s.Id).ToList();
        var withOwnValue = await db.ConfigurationValues.Where(v => v.Scope == ValueScope.ServerCustom && v.Path == path && ids.Contains(v.OwnerId))
            .Select(v => v.OwnerId).ToListAsync(cancellationToken);
        var affected = servers.Where(s => !withOwnValue.Contains(s.Id)).ToList();
        if (await differences.BlockedAsync(db, affected, cancellationToken) is { } blocked) return blocked;

        var stored = await storage.UpsertAsync(db, ValueScope.Profile, profileId, setting, plain!, cancellationToken);
        foreach (var server in affected) storage.AddTask(db, server, setting, stored);
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.Update, "configurationProfiles", profileId.ToString(CultureInfo.InvariantCulture), [path],
            setting.Type == SettingType.Secret ? null : new Dictionary<string, (object?, object?)> { [path] = (null, plain) },
            outcome: $"tasks created for {affected.Count} server(s)")], cancellationToken);
        await section.CommitAsync(cancellationToken);
        return DomainResult<int>.Ok(affected.Count);
    }

    /// <summary>Sets (or with <paramref name="remove"/> removes) a server's own value for a key.</summary>
    public async Task<DomainResult<int>> SetServerValueAsync(Actor actor, string serverName, string path, JsonNode? value, bool remove, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<int>(Permission.ChangeServers) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await storage.Writes.EnterAsync(db, cancellationToken: cancellationToken);
        var server = await db.Servers.FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        if (server is null) return DomainResult<int>.NotFound($"Server '{serverName}'");
        var setting = await db.SettingDefinitions.FirstOrDefaultAsync(s => s.Path == path, cancellationToken);
        if (setting is null) return DomainResult<int>.NotFound($"Setting '{path}'");
        string? plain = null;
        if (!remove && ConfigurationStorage.Read(setting, value, out plain) is { } error) return DomainResult<int>.Invalid(new DomainErrors().Add("value", error, "invalid_value"));
        if (await differences.BlockedAsync(db, [server], cancellationToken) is { } blocked) return blocked;

        var custom = await db.ConfigurationValues.FirstOrDefaultAsync(v => v.Scope == ValueScope.ServerCustom && v.OwnerId == server.Id && v.Path == path, cancellationToken);
        if (remove && custom is null) return DomainResult<int>.NotFound($"A custom value of '{path}' on server '{serverName}'");
        var record = audit.Describe(actor, remove ? AuditActions.CustomValueRemoved : AuditActions.Update, "servers", server.Name, [path],
            setting.Type == SettingType.Secret || remove ? null : new Dictionary<string, (object?, object?)> { [path] = (null, plain) });
        if (remove)
        {
            // The profile's value the server falls back to is read after the removal: one transaction spans both.
            db.ConfigurationValues.Remove(custom!);
            await audit.CommitAsync(db, async ct =>
            {
                await db.SaveChangesAsync(ct);
                if ((await ConfigurationStorage.DesiredAsync(db, server, ct)).TryGetValue(path, out var desired)) storage.AddTask(db, server, setting, desired.Value);
                return [record];
            }, cancellationToken);
        }
        else
        {
            storage.AddTask(db, server, setting, storage.Store(db, custom, ValueScope.ServerCustom, server.Id, setting, plain!));
            await audit.CommitAsync(db, [record], cancellationToken);
        }
        await section.CommitAsync(cancellationToken);
        return DomainResult<int>.Ok(1);
    }

    /// <summary>Initial values (demo data, installation): stored without tasks, as if the servers already held them.</summary>
    internal async Task SeedProfileValueAsync(int profileId, string path, string plain, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var setting = await db.SettingDefinitions.FirstAsync(s => s.Path == path, cancellationToken);
        await storage.UpsertAsync(db, ValueScope.Profile, profileId, setting, plain, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }
}
