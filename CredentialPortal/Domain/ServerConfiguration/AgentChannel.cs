using System.Security.Cryptography;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.ServerConfiguration;

/// <summary>
/// What a server's agent exchanges with the portal (docs/design.md §5.4): it reports the registry and its public key,
/// collects the released tasks — secret values sealed for its key alone — and reports each task's outcome.
/// </summary>
public sealed class AgentChannel(IDbContextFactory<PortalDbContext> contexts, ConfigurationStorage storage, AuditTrail audit)
{
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
        await using var section = await storage.Writes.EnterAsync(db, cancellationToken: cancellationToken);
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
                if (existing is null || storage.Plain(existing, setting) != reported)
                {
                    storage.Store(db, existing, ValueScope.Registry, server.Id, setting, reported);
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
        server.AgentLastSeen = storage.Clock.GetUtcNow().UtcDateTime;
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
            a.Ciphertext is null ? null : AgentEnvelope.Seal(server.AgentPublicKey, storage.PlainOf(a, server.Id)),
            a.Services.Split(',', StringSplitOptions.RemoveEmptyEntries))).ToList())).ToList());
    }

    /// <summary>The agent reports a task's outcome; on success the pushed values become the server's known registry values.</summary>
    public async Task<DomainResult<ConfigurationTaskStatus>> CompleteTaskAsync(Actor agent, string serverName, int taskId, bool succeeded, string? message, CancellationToken cancellationToken = default)
    {
        if (agent.Refuse<ConfigurationTaskStatus>(Permission.ChangeServers) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await storage.Writes.EnterAsync(db, cancellationToken: cancellationToken);
        var server = await db.Servers.FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        var task = server is null ? null : await db.ConfigurationTasks.Include(t => t.Actions).FirstOrDefaultAsync(t => t.Id == taskId && t.ServerId == server.Id, cancellationToken);
        if (task is null) return DomainResult<ConfigurationTaskStatus>.NotFound($"Task {taskId} of server '{serverName}'");
        if (task.Status != ConfigurationTaskStatus.Applying) return DomainResult<ConfigurationTaskStatus>.Conflict($"Task {taskId} is {task.Status}, not being applied.");
        task.Status = succeeded ? ConfigurationTaskStatus.Applied : ConfigurationTaskStatus.Failed;
        task.CompletedAt = storage.Clock.GetUtcNow().UtcDateTime;
        task.Message = message is { Length: > 500 } ? message[..500] : message;
        if (succeeded)
        {
            var paths = task.Actions.Select(a => a.Path).ToList();
            var settings = await db.SettingDefinitions.Where(s => paths.Contains(s.Path)).ToDictionaryAsync(s => s.Path, cancellationToken);
            var known = await db.ConfigurationValues.Where(v => v.Scope == ValueScope.Registry && v.OwnerId == server!.Id && paths.Contains(v.Path))
                .ToDictionaryAsync(v => v.Path, cancellationToken);
            foreach (var action in task.Actions)
            {
                known[action.Path] = storage.Store(db, known.GetValueOrDefault(action.Path), ValueScope.Registry, server!.Id, settings[action.Path], storage.PlainOf(action, server.Id));
            }
        }
        await audit.CommitAsync(db, [audit.Describe(agent, succeeded ? AuditActions.TaskApplied : AuditActions.TaskFailed, "servers", serverName,
            task.Actions.Select(a => a.Path), outcome: $"task {taskId}: {task.Message}")], cancellationToken);
        await section.CommitAsync(cancellationToken);
        return DomainResult<ConfigurationTaskStatus>.Ok(task.Status);
    }
}
