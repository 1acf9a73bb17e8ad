using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Secrets;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.ServerConfiguration;

/// <summary>One key where a server's registry and the database disagree. Secret values are never shown: only whether they differ.</summary>
public sealed record ConfigurationDifference(string Path, string? ValueRegistry, string? ValueDb, bool ServerCustom, bool Secret);

/// <summary>A server with its state for the list: differences, pending tasks, agent contact.</summary>
public sealed record ServerState(Server Server, int Differences, int PendingTasks, int ApplyingTasks);

/// <summary>A setting's value as anyone may see it: plain for ordinary settings, "(secret, set)" for secrets.</summary>
public sealed record SettingValue(string Path, SettingType Type, string? Value, bool IsSet, DateTime? ChangedAt, string Source);

/// <summary>An action handed to a server's agent; a secret value is sealed for that agent's key.</summary>
public sealed record AgentAction(string Path, string? Value, string? SealedValue, IReadOnlyList<string> Services);

public sealed record AgentTask(int TaskId, IReadOnlyList<AgentAction> Actions);

/// <summary>
/// Server configuration (seed 001 "Server Configuration", DESIGN §7): desired values in the database (profiles per role,
/// per-server custom values), the values each server's registry really holds (reported by its agent), differences,
/// and configuration tasks that carry changes to the servers. Secret settings are encrypted like connector secrets.
/// </summary>
public sealed class ConfigurationStore(IDbContextFactory<PortalDbContext> contexts, SecretProtector protector, AuditTrail audit, TimeProvider clock)
{
    private const string Resource = "serverConfiguration";
    private readonly DatabaseExclusion writes = new("server-configuration");

    public async Task<IReadOnlyList<ServerState>> ListServersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var servers = await db.Servers.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var states = new List<ServerState>();
        foreach (var server in servers) states.Add(await StateAsync(db, server, cancellationToken));
        return states;
    }

    /// <summary>One server's state, without computing every other server's differences.</summary>
    public async Task<ServerState?> GetServerStateAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var server = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        return server is null ? null : await StateAsync(db, server, cancellationToken);
    }

    private async Task<ServerState> StateAsync(PortalDbContext db, Server server, CancellationToken cancellationToken)
    {
        var tasks = await db.ConfigurationTasks.AsNoTracking().Where(t => t.ServerId == server.Id).GroupBy(t => t.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return new ServerState(server, (await DifferencesAsync(db, server, cancellationToken)).Count,
            tasks.Where(t => t.Key == ConfigurationTaskStatus.Pending).Sum(t => t.Count), tasks.Where(t => t.Key == ConfigurationTaskStatus.Applying).Sum(t => t.Count));
    }

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
        var result = new List<SettingValue>();
        if (profileId is { } pid)
        {
            var values = await db.ConfigurationValues.AsNoTracking().Where(v => v.Scope == ValueScope.Profile && v.OwnerId == pid).ToListAsync(cancellationToken);
            result.AddRange(settings.Select(s => Masked(s, values.FirstOrDefault(v => v.Path == s.Path), "profile")));
        }
        else if (serverId is { } sid && await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid, cancellationToken) is { } server)
        {
            foreach (var setting in settings)
            {
                var (value, custom) = await DesiredAsync(db, server, setting.Path, cancellationToken);
                result.Add(Masked(setting, value, custom ? "server" : "profile"));
            }
        }
        return result;
    }

    /// <summary>Sets a profile's value: affects every server of the profile's role that has no custom value for the key.</summary>
    public async Task<DomainResult<int>> SetProfileValueAsync(Actor actor, int profileId, string path, JsonNode? value, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<int>(Permission.ChangeServers) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await writes.EnterAsync(db, cancellationToken: cancellationToken);
        var profile = await db.ConfigurationProfiles.FirstOrDefaultAsync(p => p.Id == profileId, cancellationToken);
        if (profile is null) return DomainResult<int>.NotFound($"Configuration profile {profileId}");
        var setting = await db.SettingDefinitions.FirstOrDefaultAsync(s => s.Path == path, cancellationToken);
        if (setting is null) return DomainResult<int>.NotFound($"Setting '{path}'");
        if (Read(setting, value, out var plain) is { } error) return DomainResult<int>.Invalid(new DomainErrors().Add("value", error, "invalid_value"));

        var servers = (await db.Servers.ToListAsync(cancellationToken)).Where(s => s.RoleList.Contains(profile.Role)).ToList();
        var affected = new List<Server>();
        foreach (var server in servers)
        {
            if (!await db.ConfigurationValues.AnyAsync(v => v.Scope == ValueScope.ServerCustom && v.OwnerId == server.Id && v.Path == path, cancellationToken))
            {
                affected.Add(server);
            }
        }
        if (await BlockedAsync(db, affected, cancellationToken) is { } blocked) return blocked;

        var stored = await UpsertAsync(db, ValueScope.Profile, profileId, setting, plain!, cancellationToken);
        foreach (var server in affected) AddTask(db, server, setting, stored);
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.Update, "configurationProfiles", profileId.ToString(CultureInfo.InvariantCulture), [path],
            setting.Type == SettingType.Secret ? null : new Dictionary<string, (object?, object?)> { [path] = (null, plain) },
            outcome: $"tasks created for {affected.Count} server(s)")], cancellationToken);
        await section.CommitAsync(cancellationToken);
        return DomainResult<int>.Ok(affected.Count);
    }

    /// <summary>Sets (or with a null value removes) a server's own value for a key (Approach A).</summary>
    public async Task<DomainResult<int>> SetServerValueAsync(Actor actor, string serverName, string path, JsonNode? value, bool remove, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<int>(Permission.ChangeServers) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await writes.EnterAsync(db, cancellationToken: cancellationToken);
        var server = await db.Servers.FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        if (server is null) return DomainResult<int>.NotFound($"Server '{serverName}'");
        var setting = await db.SettingDefinitions.FirstOrDefaultAsync(s => s.Path == path, cancellationToken);
        if (setting is null) return DomainResult<int>.NotFound($"Setting '{path}'");
        string? plain = null;
        if (!remove && Read(setting, value, out plain) is { } error) return DomainResult<int>.Invalid(new DomainErrors().Add("value", error, "invalid_value"));
        if (await BlockedAsync(db, [server], cancellationToken) is { } blocked) return blocked;

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
                var (desired, _) = await DesiredAsync(db, server, path, ct);
                if (desired is not null) AddTask(db, server, setting, desired);
                return [record];
            }, cancellationToken);
        }
        else
        {
            AddTask(db, server, setting, await UpsertAsync(db, ValueScope.ServerCustom, server.Id, setting, plain!, cancellationToken));
            await audit.CommitAsync(db, [record], cancellationToken);
        }
        await section.CommitAsync(cancellationToken);
        return DomainResult<int>.Ok(1);
    }

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
        await using var section = await writes.EnterAsync(db, cancellationToken: cancellationToken);
        var server = await db.Servers.FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        if (server is null) return DomainResult<int>.NotFound($"Server '{serverName}'");
        var differences = await DifferencesAsync(db, server, cancellationToken);
        var errors = new DomainErrors();
        foreach (var (path, _) in choices.Where(c => differences.All(d => d.Path != c.Path))) errors.Add(path, "This key has no unresolved difference.", "no_difference");
        if (errors.Any) return DomainResult<int>.Invalid(errors);

        foreach (var (path, useDb) in choices)
        {
            var setting = await db.SettingDefinitions.FirstAsync(s => s.Path == path, cancellationToken);
            if (useDb)
            {
                AddTask(db, server, setting, (await DesiredAsync(db, server, path, cancellationToken)).Value!);
            }
            else
            {
                var reported = await db.ConfigurationValues.FirstAsync(v => v.Scope == ValueScope.Registry && v.OwnerId == server.Id && v.Path == path, cancellationToken);
                await UpsertAsync(db, ValueScope.ServerCustom, server.Id, setting, Plain(reported, setting)!, cancellationToken);
            }
        }
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.DifferencesResolved, "servers", server.Name, choices.Select(c => c.Path),
            outcome: string.Join("; ", choices.Select(c => $"{c.Path}: {(c.UseDb ? "database" : "registry")}")))], cancellationToken);
        await section.CommitAsync(cancellationToken);
        return DomainResult<int>.Ok(choices.Count);
    }

    public async Task<DomainResult<IReadOnlyList<ConfigurationTask>>> TasksAsync(string serverName, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var server = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        if (server is null) return DomainResult<IReadOnlyList<ConfigurationTask>>.NotFound($"Server '{serverName}'");
        var tasks = await db.ConfigurationTasks.AsNoTracking().Include(t => t.Actions).Where(t => t.ServerId == server.Id)
            .OrderByDescending(t => t.Id).Take(200).ToListAsync(cancellationToken);
        return DomainResult<IReadOnlyList<ConfigurationTask>>.Ok(tasks);
    }

    /// <summary>Releases the server's pending tasks to its agent (step 3). Refused while differences are unresolved.</summary>
    public async Task<DomainResult<int>> ApplyAsync(Actor actor, string serverName, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<int>(Permission.ChangeServers) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await writes.EnterAsync(db, cancellationToken: cancellationToken);
        var server = await db.Servers.FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        if (server is null) return DomainResult<int>.NotFound($"Server '{serverName}'");
        if (await BlockedAsync(db, [server], cancellationToken) is { } blocked) return blocked;
        var pending = await db.ConfigurationTasks.Where(t => t.ServerId == server.Id && t.Status == ConfigurationTaskStatus.Pending).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var task in pending)
        {
            task.Status = ConfigurationTaskStatus.Applying;
            task.AppliedAt = now;
        }
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.TasksApplied, "servers", server.Name, outcome: $"{pending.Count} task(s) released to the agent")], cancellationToken);
        await section.CommitAsync(cancellationToken);
        return DomainResult<int>.Ok(pending.Count);
    }

    /// <summary>The agent reports what the server's registry holds now, and its public key.</summary>
    public async Task<DomainResult<int>> ReportRegistryAsync(Actor agent, string serverName, string publicKey, IReadOnlyDictionary<string, string> registry, CancellationToken cancellationToken = default)
    {
        if (agent.Refuse<int>(Permission.ChangeServers) is { } refused) return refused;
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return DomainResult<int>.Invalid(new DomainErrors().Add("publicKey", "The agent's public key must be a base64 SubjectPublicKeyInfo RSA key.", "invalid_key"));
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await writes.EnterAsync(db, cancellationToken: cancellationToken);
        var server = await db.Servers.FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        if (server is null) return DomainResult<int>.NotFound($"Server '{serverName}'");
        var settings = await db.SettingDefinitions.ToListAsync(cancellationToken);
        var known = await db.ConfigurationValues.Where(v => v.Scope == ValueScope.Registry && v.OwnerId == server.Id).ToDictionaryAsync(v => v.Path, cancellationToken);
        var changed = new List<string>();
        foreach (var setting in settings)
        {
            var existing = known.GetValueOrDefault(setting.Path);
            if (registry.TryGetValue(setting.Path, out var reported))
            {
                if (existing is null || Plain(existing, setting) != reported)
                {
                    Store(db, existing, ValueScope.Registry, server.Id, setting, reported);
                    changed.Add(setting.Path);
                }
            }
            else if (existing is not null)
            {
                db.ConfigurationValues.Remove(existing);
                changed.Add(setting.Path);
            }
        }
        var keyChanged = server.AgentPublicKey != publicKey;
        server.AgentPublicKey = publicKey;
        server.AgentLastSeen = clock.GetUtcNow().UtcDateTime;
        // A report that changes nothing only refreshes the agent's last contact; one that does is audited (paths, never values).
        var records = changed.Count > 0 || keyChanged
            ? [audit.Describe(agent, AuditActions.RegistryReported, "servers", server.Name, changed, outcome: keyChanged ? "agent key registered" : null)]
            : Array.Empty<AuditRecord>();
        await audit.CommitAsync(db, records, cancellationToken);
        await section.CommitAsync(cancellationToken);
        return DomainResult<int>.Ok(registry.Count);
    }

    /// <summary>The released tasks for a server's agent; secret values sealed for its key.</summary>
    public async Task<DomainResult<IReadOnlyList<AgentTask>>> AgentTasksAsync(Actor agent, string serverName, CancellationToken cancellationToken = default)
    {
        if (agent.Refuse<IReadOnlyList<AgentTask>>(Permission.ChangeServers) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var server = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        if (server is null) return DomainResult<IReadOnlyList<AgentTask>>.NotFound($"Server '{serverName}'");
        if (server.AgentPublicKey is null) return DomainResult<IReadOnlyList<AgentTask>>.Conflict("The agent has not reported its key yet.");
        var tasks = await db.ConfigurationTasks.AsNoTracking().Include(t => t.Actions)
            .Where(t => t.ServerId == server.Id && t.Status == ConfigurationTaskStatus.Applying).OrderBy(t => t.Id).ToListAsync(cancellationToken);
        return DomainResult<IReadOnlyList<AgentTask>>.Ok(tasks.Select(t => new AgentTask(t.Id, t.Actions.Select(a => new AgentAction(
            a.Path,
            a.Ciphertext is null ? a.Plain : null,
            a.Ciphertext is null ? null : AgentEnvelope.Seal(server.AgentPublicKey, protector.Unprotect(Resource, $"task:{server.Id}", a.Path, a.Ciphertext)),
            a.Services.Split(',', StringSplitOptions.RemoveEmptyEntries))).ToList())).ToList());
    }

    /// <summary>The agent reports a task's outcome; on success the pushed values become the server's known registry values.</summary>
    public async Task<DomainResult<ConfigurationTaskStatus>> CompleteTaskAsync(Actor agent, string serverName, int taskId, bool succeeded, string? message, CancellationToken cancellationToken = default)
    {
        if (agent.Refuse<ConfigurationTaskStatus>(Permission.ChangeServers) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await writes.EnterAsync(db, cancellationToken: cancellationToken);
        var server = await db.Servers.FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        var task = server is null ? null : await db.ConfigurationTasks.Include(t => t.Actions).FirstOrDefaultAsync(t => t.Id == taskId && t.ServerId == server.Id, cancellationToken);
        if (task is null) return DomainResult<ConfigurationTaskStatus>.NotFound($"Task {taskId} of server '{serverName}'");
        if (task.Status != ConfigurationTaskStatus.Applying) return DomainResult<ConfigurationTaskStatus>.Conflict($"Task {taskId} is {task.Status}, not being applied.");
        task.Status = succeeded ? ConfigurationTaskStatus.Applied : ConfigurationTaskStatus.Failed;
        task.CompletedAt = clock.GetUtcNow().UtcDateTime;
        task.Message = message is { Length: > 500 } ? message[..500] : message;
        if (succeeded)
        {
            foreach (var action in task.Actions)
            {
                var setting = await db.SettingDefinitions.FirstAsync(s => s.Path == action.Path, cancellationToken);
                var plain = action.Ciphertext is null ? action.Plain! : protector.Unprotect(Resource, $"task:{server!.Id}", action.Path, action.Ciphertext);
                await UpsertAsync(db, ValueScope.Registry, server!.Id, setting, plain, cancellationToken);
            }
        }
        await audit.CommitAsync(db, [audit.Describe(agent, succeeded ? AuditActions.TaskApplied : AuditActions.TaskFailed, "servers", serverName,
            task.Actions.Select(a => a.Path), outcome: $"task {taskId}: {task.Message}")], cancellationToken);
        await section.CommitAsync(cancellationToken);
        return DomainResult<ConfigurationTaskStatus>.Ok(task.Status);
    }

    /// <summary>Initial values (demo data, installation): stored without tasks, as if the servers already held them.</summary>
    internal async Task SeedProfileValueAsync(int profileId, string path, string plain, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var setting = await db.SettingDefinitions.FirstAsync(s => s.Path == path, cancellationToken);
        await UpsertAsync(db, ValueScope.Profile, profileId, setting, plain, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<DomainResult<int>?> BlockedAsync(PortalDbContext db, IEnumerable<Server> servers, CancellationToken cancellationToken)
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

    private async Task<List<ConfigurationDifference>> DifferencesAsync(PortalDbContext db, Server server, CancellationToken cancellationToken)
    {
        var result = new List<ConfigurationDifference>();
        if (server.AgentLastSeen is null) return result; // nothing known about the registry yet
        var settings = await db.SettingDefinitions.AsNoTracking().ToListAsync(cancellationToken);
        var inFlight = await db.ConfigurationTasks.AsNoTracking().Where(t => t.ServerId == server.Id && (t.Status == ConfigurationTaskStatus.Pending || t.Status == ConfigurationTaskStatus.Applying))
            .SelectMany(t => t.Actions.Select(a => a.Path)).Distinct().ToListAsync(cancellationToken);
        var reported = await db.ConfigurationValues.AsNoTracking().Where(v => v.Scope == ValueScope.Registry && v.OwnerId == server.Id).ToListAsync(cancellationToken);
        foreach (var setting in settings.Where(s => !inFlight.Contains(s.Path)).OrderBy(s => s.Path))
        {
            var (desired, custom) = await DesiredAsync(db, server, setting.Path, cancellationToken);
            if (desired is null) continue;
            var registry = reported.FirstOrDefault(r => r.Path == setting.Path);
            var dbPlain = Plain(desired, setting);
            var registryPlain = registry is null ? null : Plain(registry, setting);
            if (!string.Equals(dbPlain, registryPlain, StringComparison.Ordinal))
            {
                var secret = setting.Type == SettingType.Secret;
                result.Add(new ConfigurationDifference(setting.Path,
                    secret ? (registry is null ? null : "(secret: differs)") : registryPlain,
                    secret ? "(secret)" : dbPlain, custom, secret));
            }
        }
        return result;
    }

    /// <summary>The database's desired value for a key on a server: its custom value, else its profile's.</summary>
    private static async Task<(ConfigurationValue? Value, bool Custom)> DesiredAsync(PortalDbContext db, Server server, string path, CancellationToken cancellationToken)
    {
        var custom = await db.ConfigurationValues.AsNoTracking().FirstOrDefaultAsync(v => v.Scope == ValueScope.ServerCustom && v.OwnerId == server.Id && v.Path == path, cancellationToken);
        if (custom is not null) return (custom, true);
        var roles = server.RoleList;
        var profileIds = await db.ConfigurationProfiles.AsNoTracking().Where(p => roles.Contains(p.Role)).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(cancellationToken);
        foreach (var id in profileIds)
        {
            var value = await db.ConfigurationValues.AsNoTracking().FirstOrDefaultAsync(v => v.Scope == ValueScope.Profile && v.OwnerId == id && v.Path == path, cancellationToken);
            if (value is not null) return (value, false);
        }
        return (null, false);
    }

    private void AddTask(PortalDbContext db, Server server, SettingDefinition setting, ConfigurationValue value)
    {
        var plain = Plain(value, setting)!;
        db.ConfigurationTasks.Add(new ConfigurationTask
        {
            ServerId = server.Id,
            Status = ConfigurationTaskStatus.Pending,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            Actions =
            [
                new ConfigurationTaskAction
                {
                    Path = setting.Path, Services = setting.Services,
                    Plain = setting.Type == SettingType.Secret ? null : plain,
                    Ciphertext = setting.Type == SettingType.Secret ? protector.Protect(Resource, $"task:{server.Id}", setting.Path, plain) : null,
                },
            ],
        });
    }

    private async Task<ConfigurationValue> UpsertAsync(PortalDbContext db, ValueScope scope, int owner, SettingDefinition setting, string plain, CancellationToken cancellationToken) =>
        Store(db, await db.ConfigurationValues.FirstOrDefaultAsync(v => v.Scope == scope && v.OwnerId == owner && v.Path == setting.Path, cancellationToken),
            scope, owner, setting, plain);

    /// <summary>Writes a value into <paramref name="row"/>, or into a new row when there is none yet.</summary>
    private ConfigurationValue Store(PortalDbContext db, ConfigurationValue? row, ValueScope scope, int owner, SettingDefinition setting, string plain)
    {
        if (row is null)
        {
            row = new ConfigurationValue { Scope = scope, OwnerId = owner, Path = setting.Path };
            db.ConfigurationValues.Add(row);
        }
        row.Plain = setting.Type == SettingType.Secret ? null : plain;
        row.Ciphertext = setting.Type == SettingType.Secret ? protector.Protect(Resource, $"{scope}:{owner}", setting.Path, plain) : null;
        row.ChangedAt = clock.GetUtcNow().UtcDateTime;
        return row;
    }

    private string? Plain(ConfigurationValue value, SettingDefinition setting) =>
        setting.Type == SettingType.Secret && value.Ciphertext is not null
            ? protector.Unprotect(Resource, $"{value.Scope}:{value.OwnerId}", value.Path, value.Ciphertext)
            : value.Plain;

    private static SettingValue Masked(SettingDefinition setting, ConfigurationValue? value, string source) =>
        new(setting.Path, setting.Type, setting.Type == SettingType.Secret ? null : value?.Plain, value is not null, value?.ChangedAt, source);

    /// <summary>Checks a JSON value against the setting's type; the stored form is invariant text.</summary>
    private static string? Read(SettingDefinition setting, JsonNode? node, out string? plain)
    {
        plain = null;
        if (node is not JsonValue json) return "Send the value as a JSON string, number or boolean.";
        var element = JsonSerializer.SerializeToElement(json);
        switch (setting.Type)
        {
            case SettingType.Number when element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var number):
                plain = number.ToString(CultureInfo.InvariantCulture);
                return null;
            case SettingType.Bool when element.ValueKind is JsonValueKind.True or JsonValueKind.False:
                plain = element.GetBoolean() ? "true" : "false";
                return null;
            case SettingType.Text or SettingType.Secret when element.ValueKind == JsonValueKind.String && element.GetString() is { Length: <= 4096 } text && (setting.Type == SettingType.Text || text.Length > 0):
                plain = text;
                return null;
            default:
                return setting.Type switch
                {
                    SettingType.Number => "This setting takes a whole number.",
                    SettingType.Bool => "This setting takes true or false.",
                    _ => "This setting takes a string (a secret must not be empty).",
                };
        }
    }
}
