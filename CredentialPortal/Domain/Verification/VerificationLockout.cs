using System.Collections.Concurrent;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Settings;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Verification;

/// <summary>The answer to a verification.</summary>
public sealed record VerificationOutcome(VerificationResult Result, DateTime? LockedUntil = null)
{
    public bool Matches => Result == VerificationResult.Matched;
}

/// <summary>
/// Records every verification and locks an actor out after N failures within the window (docs/design.md §6.4). Attempts by
/// one actor are serialised (across instances too, with PostgreSQL), so concurrent guesses cannot overshoot N;
/// active lockouts are held in memory so refusing a locked actor on every request costs no database round trip,
/// and other instances hear of a new or lifted lockout through <see cref="ClusterSignals"/>.
/// </summary>
public sealed class VerificationLockout
{
    private const string LockoutTopic = "lockout";

    private readonly IDbContextFactory<PortalDbContext> contexts;
    private readonly SecuritySettingsStore settings;
    private readonly AuditTrail audit;
    private readonly TimeProvider clock;
    private readonly ClusterSignals signals;
    private readonly DatabaseExclusion attempts = new("verification-attempts");
    private readonly ConcurrentDictionary<string, ActorLockout> active = new();
    private volatile bool loaded;

    public VerificationLockout(
        IDbContextFactory<PortalDbContext> contexts, SecuritySettingsStore settings, AuditTrail audit, TimeProvider clock, ClusterSignals signals)
    {
        (this.contexts, this.settings, this.audit, this.clock, this.signals) = (contexts, settings, audit, clock, signals);
        signals.Subscribe(LockoutTopic,
            actorKey => _ = RefreshAsync(actorKey),
            () => loaded = false); // reload everything before the next verification
    }

    /// <summary>Reads one actor's lockout in force (another instance locked or lifted it).</summary>
    private async Task RefreshAsync(string actorKey)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var current = await ActiveLockoutAsync(db, actorKey, CancellationToken.None);
        if (current is null) active.TryRemove(actorKey, out _);
        else active[actorKey] = current;
    }

    private Task<ActorLockout?> ActiveLockoutAsync(PortalDbContext db, string actorKey, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.ActorLockouts.AsNoTracking().Where(l => l.ActorKey == actorKey && l.LiftedAt == null && l.LockedUntil > now)
            .OrderByDescending(l => l.LockedUntil).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Loads the lockouts still in force (start-up).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        active.Clear();
        foreach (var lockout in await db.ActorLockouts.AsNoTracking().Where(l => l.LiftedAt == null && l.LockedUntil > now).ToListAsync(cancellationToken))
        {
            active[lockout.ActorKey] = lockout;
        }
        loaded = true;
    }

    /// <summary>Is this actor locked out now? Memory only: safe to call on every request.</summary>
    public bool IsLockedOut(string actorKey, out DateTime lockedUntil)
    {
        lockedUntil = default;
        if (active.TryGetValue(actorKey, out var lockout))
        {
            if (lockout.IsActive(clock.GetUtcNow().UtcDateTime))
            {
                lockedUntil = lockout.LockedUntil;
                return true;
            }
            active.TryRemove(actorKey, out _);
        }
        return false;
    }

    /// <summary>
    /// Runs <paramref name="check"/> unless the actor is locked out, records the attempt (and an audit record) and
    /// locks the actor when this failure is the Nth within the window.
    /// </summary>
    public async Task<VerificationOutcome> VerifyAsync(
        Actor actor, string entityType, string entityId, string property, Func<bool> check, CancellationToken cancellationToken = default)
    {
        if (!loaded) await LoadAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using (var section = await attempts.EnterAsync(db, actor.Key, cancellationToken))
        {
            var now = clock.GetUtcNow().UtcDateTime;
            if (db.Database.IsNpgsql() && await ActiveLockoutAsync(db, actor.Key, cancellationToken) is { } elsewhere)
            {
                active[actor.Key] = elsewhere; // locked by another instance a moment ago
            }
            var records = new List<AuditRecord>();
            var attempt = new VerificationAttempt
            {
                At = now, ActorKey = actor.Key, ActorId = actor.UserId, ActorName = actor.Name, Door = actor.Door,
                EntityType = entityType, EntityId = entityId, Property = property, ClientAddress = actor.ClientAddress,
            };
            db.VerificationAttempts.Add(attempt);

            if (IsLockedOut(actor.Key, out var until))
            {
                attempt.Result = VerificationResult.Refused;
                records.Add(audit.Describe(actor, AuditActions.Verification, entityType, entityId, [property], outcome: "refused-locked-out"));
                await audit.CommitAsync(db, records, cancellationToken);
                await section.CommitAsync(cancellationToken);
                return new(VerificationResult.Refused, until);
            }

            attempt.Result = check() ? VerificationResult.Matched : VerificationResult.Failed;
            records.Add(audit.Describe(actor, AuditActions.Verification, entityType, entityId, [property],
                outcome: attempt.Result == VerificationResult.Matched ? "matches" : "does-not-match"));

            ActorLockout? lockout = null;
            if (attempt.Result == VerificationResult.Failed)
            {
                var rules = await settings.GetAsync(cancellationToken);
                // Failures count within the window, and never from before the actor's last lockout: once locked,
                // the slate is clean when the lock ends or an administrator lifts it.
                var since = now.AddMinutes(-rules.VerificationWindowMinutes);
                var lastLock = await db.ActorLockouts.Where(l => l.ActorKey == actor.Key)
                    .OrderByDescending(l => l.LockedAt).Select(l => (DateTime?)l.LockedAt).FirstOrDefaultAsync(cancellationToken);
                if (lastLock > since) since = lastLock.Value;
                var failures = 1 + await db.VerificationAttempts.CountAsync(a =>
                    a.ActorKey == actor.Key && a.Result == VerificationResult.Failed && a.At > since, cancellationToken);
                if (failures >= rules.VerificationMaxFailures)
                {
                    lockout = new ActorLockout
                    {
                        ActorKey = actor.Key, ActorId = actor.UserId, ActorName = actor.Name,
                        LockedAt = now, LockedUntil = now.AddMinutes(rules.VerificationLockMinutes),
                    };
                    db.ActorLockouts.Add(lockout);
                    records.Add(audit.Describe(actor, AuditActions.LockedOut, Catalog.AccountCatalog.Users.Resource, actor.UserId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? actor.Name,
                        outcome: $"{failures} failed verifications; locked until {lockout.LockedUntil:u}"));
                }
            }

            await audit.CommitAsync(db, records, cancellationToken);
            await section.CommitAsync(cancellationToken);
            if (lockout is not null)
            {
                active[actor.Key] = lockout;
                await signals.PublishAsync(LockoutTopic, actor.Key, CancellationToken.None);
            }
            return new(attempt.Result, lockout?.LockedUntil);
        }
    }

    /// <summary>Lockouts in force now, newest first.</summary>
    public async Task<IReadOnlyList<ActorLockout>> ListActiveAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.ActorLockouts.AsNoTracking().Where(l => l.LiftedAt == null && l.LockedUntil > now)
            .OrderByDescending(l => l.LockedAt).ToListAsync(cancellationToken);
    }

    /// <summary>An administrator ends a lockout early. False when it is not in force.</summary>
    public async Task<DomainResult<bool>> LiftAsync(Actor administrator, long lockoutId, CancellationToken cancellationToken = default)
    {
        if (administrator.Refuse<bool>(Permission.ManageSettings) is { } refused) return refused;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var lockout = await db.ActorLockouts.FirstOrDefaultAsync(l => l.Id == lockoutId, cancellationToken);
        if (lockout is null || !lockout.IsActive(now)) return DomainResult<bool>.Ok(false);
        lockout.LiftedAt = now;
        lockout.LiftedBy = administrator.Name;
        await audit.CommitAsync(db,
            [audit.Describe(administrator, AuditActions.Unlocked, Catalog.AccountCatalog.Users.Resource, lockout.ActorId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? lockout.ActorName, outcome: $"lifted lockout of {lockout.ActorName}")],
            cancellationToken);
        active.TryRemove(lockout.ActorKey, out _);
        await signals.PublishAsync(LockoutTopic, lockout.ActorKey, CancellationToken.None);
        return DomainResult<bool>.Ok(true);
    }
}
