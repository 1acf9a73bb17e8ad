using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.ServerConfiguration;

/// <summary>
/// Servers and their configuration tasks (docs/design.md §6.8): each server's state, its tasks, and releasing the
/// pending ones to its agent — refused while the server has unresolved differences.
/// </summary>
public sealed class ConfigurationTasks(IDbContextFactory<PortalDbContext> contexts, ConfigurationStorage storage, ConfigurationDifferences differences, AuditTrail audit)
{
    public async Task<IReadOnlyList<ServerState>> ListServersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var servers = await db.Servers.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var counts = await db.ConfigurationTasks.AsNoTracking()
            .Where(t => t.Status == ConfigurationTaskStatus.Pending || t.Status == ConfigurationTaskStatus.Applying)
            .GroupBy(t => new { t.ServerId, t.Status }).Select(g => new { g.Key.ServerId, g.Key.Status, Count = g.Count() }).ToListAsync(cancellationToken);
        var states = new List<ServerState>();
        foreach (var server in servers)
        {
            states.Add(new ServerState(server, (await differences.DifferencesAsync(db, server, cancellationToken)).Count,
                counts.Where(c => c.ServerId == server.Id && c.Status == ConfigurationTaskStatus.Pending).Sum(c => c.Count),
                counts.Where(c => c.ServerId == server.Id && c.Status == ConfigurationTaskStatus.Applying).Sum(c => c.Count)));
        }
        return states;
    }

    /// <summary>One server's state, without computing every other server's differences.</summary>
    public async Task<ServerState?> GetServerStateAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var server = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (server is null) return null;
        var tasks = await db.ConfigurationTasks.AsNoTracking().Where(t => t.ServerId == server.Id).GroupBy(t => t.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return new ServerState(server, (await differences.DifferencesAsync(db, server, cancellationToken)).Count,
            tasks.Where(t => t.Key == ConfigurationTaskStatus.Pending).Sum(t => t.Count), tasks.Where(t => t.Key == ConfigurationTaskStatus.Applying).Sum(t => t.Count));
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

    /// <summary>Releases the server's pending tasks to its agent. Refused while differences are unresolved.</summary>
    public async Task<DomainResult<int>> ApplyAsync(Actor actor, string serverName, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<int>(Permission.ChangeServers) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await storage.Writes.EnterAsync(db, cancellationToken: cancellationToken);
        var server = await db.Servers.FirstOrDefaultAsync(s => s.Name == serverName, cancellationToken);
        if (server is null) return DomainResult<int>.NotFound($"Server '{serverName}'");
        if (await differences.BlockedAsync(db, [server], cancellationToken) is { } blocked) return blocked;
        var pending = await db.ConfigurationTasks.Where(t => t.ServerId == server.Id && t.Status == ConfigurationTaskStatus.Pending).ToListAsync(cancellationToken);
        var now = storage.Clock.GetUtcNow().UtcDateTime;
        foreach (var task in pending)
        {
            task.Status = ConfigurationTaskStatus.Applying;
            task.AppliedAt = now;
        }
        await audit.CommitAsync(db, [audit.Describe(actor, AuditActions.TasksApplied, "servers", server.Name, outcome: $"{pending.Count} task(s) released to the agent")], cancellationToken);
        await section.CommitAsync(cancellationToken);
        return DomainResult<int>.Ok(pending.Count);
    }
}
