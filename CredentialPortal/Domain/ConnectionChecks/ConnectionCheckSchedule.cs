using System.Security.Cryptography;
using System.Text;
using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Connectors;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>
/// The heartbeat's rules, one pass at a time (<see cref="RunDueAsync"/>): which entities are due, claiming each one so
/// exactly one instance checks it per interval (the claim is a conditional update of its <c>NextDueAt</c>, or the insert
/// of its first row, which only one instance can win), and at most <c>Concurrency</c> checks at once. An entity whose
/// last result was <c>rejected</c> stays out until its version changes (a credential or setting changed) or an
/// on-demand check succeeds, so the monitor cannot lock the account it watches out.
/// </summary>
public sealed class ConnectionCheckSchedule(
    IDbContextFactory<PortalDbContext> contexts,
    ConnectionChecker checker,
    TimeProvider clock,
    ILogger<ConnectionCheckSchedule> logger)
{
    /// <summary>First checks are spread over the first interval from here, so a start does not check everything at once.</summary>
    private readonly DateTime startedAt = clock.GetUtcNow().UtcDateTime;

    /// <summary>Claims and runs what is due now; returns how many checks this instance ran.</summary>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken = default)
    {
        var options = checker.Options;
        var now = clock.GetUtcNow().UtcDateTime;
        var claimed = new List<(EntityResource Resource, object Key)>();
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var states = await db.ConnectionCheckStates.AsNoTracking().ToDictionaryAsync(s => (s.Resource, s.EntityKey), cancellationToken);
            foreach (var resource in EntityCatalog.Resources)
            {
                foreach (var entity in await resource.Query(db, null, null).AsNoTracking().ToListAsync(cancellationToken))
                {
                    if (entity is AdSyncProfile { Enabled: false }) continue;
                    var type = EntityCatalog.TypeOf(entity).Name;
                    if (!resource.TryParseId(entity.Key, out var key)) continue;
                    if (states.TryGetValue((resource.Name, entity.Key), out var state))
                    {
                        if (state.Result == "rejected" && state.RejectedAtVersion == entity.Version) continue;
                        if (state.NextDueAt > now) continue;
                        var observed = state.NextDueAt;
                        var next = checker.NextDue(now, type);
                        var won = await db.ConnectionCheckStates
                            .Where(s => s.Id == state.Id && s.NextDueAt == observed)
                            .ExecuteUpdateAsync(u => u.SetProperty(s => s.NextDueAt, next), cancellationToken);
                        if (won == 1) claimed.Add((resource, key));
                    }
                    else if (startedAt + options.IntervalFor(type) * FirstCheckFraction(resource.Name, entity.Key) <= now)
                    {
                        if (await ClaimFirstAsync(resource.Name, entity.Key, checker.NextDue(now, type), cancellationToken)) claimed.Add((resource, key));
                    }
                }
            }
        }

        using var gate = new SemaphoreSlim(options.Concurrency);
        var runs = claimed.Select(async c =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                await checker.RunAsync(Actor.System, c.Resource, c.Key, ConnectionChecker.Scheduled, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("The scheduled connection check of {Resource} {Entity} could not be stored ({Exception}).", c.Resource.Name, c.Key, e.GetType().Name);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(runs);
        return claimed.Count;
    }

    /// <summary>The first row is the claim: the unique (resource, entity) index lets one instance insert it.</summary>
    private async Task<bool> ClaimFirstAsync(string resource, string entityKey, DateTime next, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ConnectionCheckStates.Add(new ConnectionCheckState
        {
            Resource = resource, EntityKey = entityKey, Result = "", Detail = "", Trigger = ConnectionChecker.Scheduled, NextDueAt = next,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            return false; // another instance (or an on-demand check) wrote it first
        }
    }

    /// <summary>A stable point in [0, 1) per entity, so first checks spread over the interval the same way on every instance.</summary>
    private static double FirstCheckFraction(string resource, string entityKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(resource + "/" + entityKey));
        return BitConverter.ToUInt32(hash, 0) / (double)uint.MaxValue * 0.999;
    }
}

/// <summary>The heartbeat: runs <see cref="ConnectionCheckSchedule.RunDueAsync"/> every few seconds (a tenth of the shortest interval, 1 s to 1 min).</summary>
public sealed class ConnectionCheckHeartbeat(ConnectionCheckSchedule schedule, ConnectionCheckOptions options, ILogger<ConnectionCheckHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.ScheduleEnabled) return;
        var shortest = options.Intervals.Values.Append(options.Interval).Min();
        var poll = TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 10, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        using var timer = new PeriodicTimer(poll);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await schedule.RunDueAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("The connection-check schedule skipped a pass ({Exception}).", e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
