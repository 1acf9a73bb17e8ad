using System.Collections.Concurrent;
using System.Diagnostics;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Secrets;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.ConnectionChecks;

public static class ConnectionCheckActions
{
    public const string Checked = "connection-checked";
    public const string StateChanged = "connection-state-changed";
    public const string AlertAcknowledged = "connection-alert-acknowledged";
}

/// <summary>An open alert: the entity's connection changed state (ok ↔ rejected/unreachable) and nobody acknowledged it yet.</summary>
public sealed record ConnectionAlert(string Resource, string EntityKey, string From, ConnectionResult To, string Detail, DateTime At);

/// <summary>An entity whose last check did not succeed, for the dashboard.</summary>
public sealed record FailingConnection(string Resource, string EntityKey, ConnectionResult Result, string Detail, DateTime CheckedAt, bool LeftSchedule);

/// <summary>
/// Runs connection checks: decrypts the entity's secrets in memory, runs the type's <see cref="IConnectionCheck"/> off the
/// caller's thread, abandons it at <c>Portal:ConnectionChecks:Timeout</c> whatever the client library does, and stores
/// and audits the result in one commit. One check per entity at a time: a second caller waits for the running one.
/// </summary>
public sealed class ConnectionChecker(
    IDbContextFactory<PortalDbContext> contexts,
    SecretProtector protector,
    AuditTrail audit,
    ConnectionCheckOptions options,
    TrustedCertificates trust,
    IEnumerable<IConnectionCheck> checks,
    ClusterSignals signals,
    TimeProvider clock,
    ILogger<ConnectionChecker> logger)
{
    public const string OnDemand = "on-demand";
    public const string Scheduled = "scheduled";
    private const string Topic = "connection-check";
    private const int MaxDetail = 400;

    private readonly Dictionary<string, IConnectionCheck> byType = checks.ToDictionary(c => c.TypeName, StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<ConnectionCheckOutcome?>>> running = new(StringComparer.Ordinal);
    private volatile ConcurrentDictionary<(string, string), LastCheck>? lastChecks;
    private bool subscribed;

    public ConnectionCheckOptions Options => options;

    /// <summary>On demand: check now (or wait for the check already running) and answer the result; NotFound for a missing entity.</summary>
    public async Task<DomainResult<ConnectionCheckOutcome>> TestAsync(Actor actor, EntityResource resource, string id, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<ConnectionCheckOutcome>(Permission.TestConnections) is { } refused) return refused;
        if (!resource.TryParseId(id, out var key)) return DomainResult<ConnectionCheckOutcome>.NotFound($"{resource.Title} '{id}'");
        var outcome = await RunAsync(actor, resource, key, OnDemand, cancellationToken);
        return outcome is null ? DomainResult<ConnectionCheckOutcome>.NotFound($"{resource.Title} '{id}'") : DomainResult<ConnectionCheckOutcome>.Ok(outcome);
    }

    /// <summary>Runs (or joins) the check of one entity; null when the entity does not exist.</summary>
    internal Task<ConnectionCheckOutcome?> RunAsync(Actor actor, EntityResource resource, object key, string trigger, CancellationToken cancellationToken)
    {
        var name = resource.Name + "/" + key;
        var flight = running.GetOrAdd(name, _ => new Lazy<Task<ConnectionCheckOutcome?>>(() => Task.Run(async () =>
        {
            try
            {
                return await CheckAndStoreAsync(actor, resource, key, trigger);
            }
            finally
            {
                running.TryRemove(name, out Lazy<Task<ConnectionCheckOutcome?>>? _);
            }
        })));
        // The check itself is not cancelled by one waiter going away: others may be waiting for it.
        return flight.Value.WaitAsync(cancellationToken);
    }

    private async Task<ConnectionCheckOutcome?> CheckAndStoreAsync(Actor actor, EntityResource resource, object key, string trigger)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var entity = await resource.FindAsync(db, key, CancellationToken.None);
        if (entity is null) return null;
        var type = EntityCatalog.TypeOf(entity);
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stored in await db.StoredSecrets.AsNoTracking().Where(s => s.Resource == resource.Name && s.EntityKey == entity.Key).ToListAsync())
        {
            if (protector.CanDecrypt(stored)) secrets[stored.Property] = protector.Unprotect(stored.Resource, stored.EntityKey, stored.Property, stored.Ciphertext);
        }

        var started = clock.GetUtcNow().UtcDateTime;
        var watch = Stopwatch.StartNew();
        var verdict = await RunWithTimeoutAsync(type, new ConnectionTarget(entity, secrets, options.Timeout, trust));
        watch.Stop();
        var detail = Redact(verdict.Detail, secrets.Values);
        secrets.Clear();
        var outcome = new ConnectionCheckOutcome(verdict.Result, detail, Truncate(started), watch.ElapsedMilliseconds);

        var state = await db.ConnectionCheckStates.FirstOrDefaultAsync(s => s.Resource == resource.Name && s.EntityKey == entity.Key);
        var previous = state is { Result.Length: > 0 } && ConnectionResults.TryParse(state.Result, out var p) ? p : (ConnectionResult?)null;
        if (state is null)
        {
            state = new ConnectionCheckState
            {
                Resource = resource.Name, EntityKey = entity.Key, Result = "", Detail = "", Trigger = trigger,
                NextDueAt = NextDue(outcome.CheckedAt, type.Name),
            };
            db.ConnectionCheckStates.Add(state);
        }
        state.Result = outcome.Result.Wire();
        state.Detail = detail;
        state.CheckedAt = outcome.CheckedAt;
        state.DurationMs = outcome.DurationMs;
        state.Trigger = trigger;
        state.RejectedAtVersion = outcome.Result == ConnectionResult.Rejected ? entity.Version : null;

        var records = new List<AuditRecord>
        {
            audit.Describe(actor, ConnectionCheckActions.Checked, resource.Name, entity.Key, properties: [trigger], outcome: outcome.Result.Wire()),
        };
        // An alert is a change between working and failing (ok ↔ rejected/unreachable), not every result.
        var changed = previous is { } before && before != outcome.Result
            && ((before == ConnectionResult.Ok && outcome.Result.IsFailure()) || (before.IsFailure() && outcome.Result == ConnectionResult.Ok));
        if (changed)
        {
            state.AlertOpen = true;
            state.AlertFrom = previous!.Value.Wire();
            state.AlertAt = outcome.CheckedAt;
            records.Add(audit.Describe(actor, ConnectionCheckActions.StateChanged, resource.Name, entity.Key, ["result"],
                new Dictionary<string, (object?, object?)> { ["result"] = (previous.Value.Wire(), outcome.Result.Wire()) }, outcome.Result.Wire()));
        }
        await audit.CommitAsync(db, records);
        Remember(resource.Name, entity.Key, new LastCheck(outcome.Result, outcome.CheckedAt));
        await signals.PublishAsync(Topic, resource.Name + "|" + entity.Key);
        logger.LogInformation("Connection check of {Resource} {Entity} ({Trigger}): {Result} in {Duration} ms. {Detail}",
            resource.Name, entity.Key, trigger, outcome.Result.Wire(), outcome.DurationMs, detail);
        return outcome;
    }

    private async Task<ConnectionVerdict> RunWithTimeoutAsync(EntityTypeDescriptor type, ConnectionTarget target)
    {
        if (!byType.TryGetValue(type.Name, out var check))
        {
            return ConnectionVerdict.Unsupported($"The portal has no connection check for {type.Title}.");
        }
        var cancel = new CancellationTokenSource();
        // Off the caller's thread: some client calls are synchronous and ignore their own timeout.
        var work = Task.Run(() => check.CheckAsync(target, cancel.Token));
        try
        {
            return await work.WaitAsync(options.Timeout);
        }
        catch (TimeoutException)
        {
            cancel.Cancel();
            _ = work.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); // abandoned: observe whatever it ends with
            return ConnectionVerdict.Unreachable($"Timeout: {check.Describe(target.Entity)} did not complete the check within {options.Timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception e)
        {
            // The exception's message may quote what was sent: only its type is kept.
            logger.LogWarning("Connection check of {Type} failed with {Exception}.", type.Name, e.GetType().FullName);
            return ConnectionVerdict.Unreachable($"The check of {check.Describe(target.Entity)} failed ({e.GetType().Name}).");
        }
    }

    /// <summary>Never a secret in a detail, whatever a server or library echoed.</summary>
    private static string Redact(string detail, IEnumerable<string> secrets)
    {
        foreach (var secret in secrets.Where(s => s.Length >= 3).OrderByDescending(s => s.Length))
        {
            detail = detail.Replace(secret, "[secret]", StringComparison.Ordinal);
        }
        return detail.Length > MaxDetail ? detail[..MaxDetail] + "…" : detail;
    }

    internal DateTime NextDue(DateTime from, string typeName)
    {
        var interval = options.IntervalFor(typeName);
        var spread = (Random.Shared.NextDouble() * 2 - 1) * options.Jitter;
        return Truncate(from + interval * (1 + spread));
    }

    /// <summary>Whole milliseconds: what both engines store and compare exactly (the schedule's claim compares it).</summary>
    internal static DateTime Truncate(DateTime value) =>
        new(value.Ticks - value.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    /// <summary>The last check of each entity of a resource that has one, for lists and GETs (kept in memory).</summary>
    public async Task<LastCheck?> LastCheckAsync(EntityResource resource, string entityKey, CancellationToken cancellationToken = default) =>
        (await LastChecksAsync(cancellationToken)).TryGetValue((resource.Name, entityKey), out var last) ? last : null;

    private async Task<ConcurrentDictionary<(string, string), LastCheck>> LastChecksAsync(CancellationToken cancellationToken)
    {
        if (lastChecks is { } known) return known;
        if (!subscribed)
        {
            subscribed = true;
            signals.Subscribe(Topic, _ => lastChecks = null, () => lastChecks = null);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ConnectionCheckStates.AsNoTracking().Where(s => s.Result != "")
            .Select(s => new { s.Resource, s.EntityKey, s.Result, s.CheckedAt }).ToListAsync(cancellationToken);
        var loaded = new ConcurrentDictionary<(string, string), LastCheck>();
        foreach (var row in rows)
        {
            if (ConnectionResults.TryParse(row.Result, out var result)) loaded[(row.Resource, row.EntityKey)] = new(result, row.CheckedAt);
        }
        return lastChecks ??= loaded;
    }

    private void Remember(string resource, string key, LastCheck last)
    {
        if (lastChecks is { } known) known[(resource, key)] = last;
    }

    /// <summary>Entities whose last check failed, failing first by kind (rejected, unreachable, misconfigured), newest first.</summary>
    public async Task<IReadOnlyList<FailingConnection>> FailingAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var failing = ConnectionResults.Failing.Select(r => r.Wire()).ToList();
        var rows = await db.ConnectionCheckStates.AsNoTracking().Where(s => failing.Contains(s.Result)).ToListAsync(cancellationToken);
        return rows.Select(s => new FailingConnection(s.Resource, s.EntityKey, Enum.Parse<ConnectionResult>(s.Result, ignoreCase: true), s.Detail, s.CheckedAt,
                s.RejectedAtVersion is not null))
            .OrderBy(f => failing.IndexOf(f.Result.Wire()))
            .ThenByDescending(f => f.CheckedAt)
            .ToList();
    }

    public async Task<IReadOnlyList<ConnectionAlert>> OpenAlertsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ConnectionCheckStates.AsNoTracking().Where(s => s.AlertOpen).ToListAsync(cancellationToken);
        return rows.Select(s => new ConnectionAlert(s.Resource, s.EntityKey, s.AlertFrom ?? "", Enum.Parse<ConnectionResult>(s.Result, ignoreCase: true), s.Detail, s.AlertAt ?? s.CheckedAt))
            .OrderByDescending(a => a.At).ToList();
    }

    /// <summary>Closes an entity's open alert (audited). False when it had none.</summary>
    public async Task<bool> AcknowledgeAsync(Actor actor, string resource, string entityKey, CancellationToken cancellationToken = default)
    {
        if (!actor.Allows(Permission.TestConnections)) return false;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var state = await db.ConnectionCheckStates.FirstOrDefaultAsync(s => s.Resource == resource && s.EntityKey == entityKey && s.AlertOpen, cancellationToken);
        if (state is null) return false;
        state.AlertOpen = false;
        await audit.CommitAsync(db, [audit.Describe(actor, ConnectionCheckActions.AlertAcknowledged, resource, entityKey, outcome: state.Result)], cancellationToken);
        return true;
    }
}
