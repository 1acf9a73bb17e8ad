using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Verification;

/// <summary>
/// Every lock and unlock is an audit event, the end of a lockout that simply ran out too: this periodic sweep records
/// each verification lockout and each sign-in (Identity) lockout whose time is up, once, and clears the sign-in
/// lockout's end, and each temporary password that expired unused. Set and lifted lockouts are recorded where they happen. One sweep at a time, across instances too.
/// </summary>
public sealed class LockoutExpirySweep(IDbContextFactory<PortalDbContext> contexts, AuditTrail audit, TimeProvider clock, IConfiguration configuration,
    ILogger<LockoutExpirySweep> logger) : BackgroundService
{
    public const string IntervalKey = "Audit:LockoutSweepInterval";

    private readonly DatabaseExclusion sweeping = new("lockout-expiry-sweep");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.TryParse(configuration[IntervalKey], System.Globalization.CultureInfo.InvariantCulture, out var configured) && configured > TimeSpan.Zero
            ? configured : TimeSpan.FromMinutes(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stoppingToken);
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("The lockout expiry sweep failed ({Error}); it runs again in {Interval}.", e.Message, interval);
            }
        }
    }

    /// <summary>Records every lockout that ran out since the last sweep; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var section = await sweeping.EnterAsync(db, cancellationToken: cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var nowOffset = new DateTimeOffset(now, TimeSpan.Zero);
        var records = new List<AuditRecord>();
        foreach (var lockout in await db.ActorLockouts.Where(l => l.LiftedAt == null && l.ExpiryRecordedAt == null && l.LockedUntil <= now)
                     .OrderBy(l => l.Id).ToListAsync(cancellationToken))
        {
            lockout.ExpiryRecordedAt = now;
            records.Add(audit.Describe(Actor.System, AuditActions.LockoutExpired, "users",
                lockout.ActorId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? lockout.ActorName,
                outcome: $"verification lockout of {lockout.ActorName} ended at {lockout.LockedUntil:u}"));
        }
        foreach (var user in await db.Users.Where(u => u.LockoutEnd != null && u.LockoutEnd <= nowOffset).OrderBy(u => u.Id).ToListAsync(cancellationToken))
        {
            var ended = user.LockoutEnd!.Value;
            user.LockoutEnd = null;
            records.Add(audit.Describe(Actor.System, AuditActions.SignInLockoutExpired, "users",
                user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["lockoutEnd"],
                outcome: $"sign-in lockout of {user.LoginName} ended at {ended.UtcDateTime:u}"));
        }
        foreach (var user in await db.Users.Where(u => u.MustChangePassword && !u.TemporaryPasswordExpiryRecorded && u.TemporaryPasswordExpiresAt <= now)
                     .OrderBy(u => u.Id).ToListAsync(cancellationToken))
        {
            user.TemporaryPasswordExpiryRecorded = true;
            records.Add(audit.Describe(Actor.System, AuditActions.TemporaryPasswordExpired, "users",
                user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), [Catalog.AccountCatalog.Password],
                outcome: $"the temporary password of {user.LoginName} expired unused at {user.TemporaryPasswordExpiresAt:u}"));
        }
        if (records.Count > 0) await audit.CommitAsync(db, records, cancellationToken);
        await section.CommitAsync(cancellationToken);
        return records.Count;
    }
}
