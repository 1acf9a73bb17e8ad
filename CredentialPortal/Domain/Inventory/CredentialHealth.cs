using CredentialPortal.Data;
using CredentialPortal.Domain.Users;
using CredentialPortal.Domain.Verification;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Inventory;

/// <summary>How many credentials of one kind fall in each age bucket.</summary>
public sealed record AgeBuckets(string Kind, int Under30Days, int Days30To90, int Days90To180, int Over180Days, int NeverSet);

/// <summary>A login lockout (too many wrong sign-ins) in force now.</summary>
public sealed record LoginLockout(int UserId, string LoginName, DateTimeOffset Until);

/// <summary>The dashboard's view of credential hygiene: ages, recent failed verifications, lockouts in force.</summary>
public sealed class CredentialHealth(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public async Task<IReadOnlyList<AgeBuckets>> AgesAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        DateTime d30 = now.AddDays(-30), d90 = now.AddDays(-90), d180 = now.AddDays(-180);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var secrets = await db.StoredSecrets.AsNoTracking().GroupBy(s => s.Resource).Select(g => new AgeBuckets(
            g.Key,
            g.Count(s => s.ChangedAt >= d30),
            g.Count(s => s.ChangedAt < d30 && s.ChangedAt >= d90),
            g.Count(s => s.ChangedAt < d90 && s.ChangedAt >= d180),
            g.Count(s => s.ChangedAt < d180),
            0)).ToListAsync(cancellationToken);
        var local = db.Users.AsNoTracking().Where(u => u.Source == UserSource.Local);
        var people = new AgeBuckets(Catalog.AccountCatalog.Users.Resource,
            await local.CountAsync(u => u.LastPasswordChange >= d30, cancellationToken),
            await local.CountAsync(u => u.LastPasswordChange < d30 && u.LastPasswordChange >= d90, cancellationToken),
            await local.CountAsync(u => u.LastPasswordChange < d90 && u.LastPasswordChange >= d180, cancellationToken),
            await local.CountAsync(u => u.LastPasswordChange < d180, cancellationToken),
            await local.CountAsync(u => u.LastPasswordChange == null, cancellationToken));
        return [people, .. secrets.OrderBy(s => s.Kind)];
    }

    public async Task<IReadOnlyList<VerificationAttempt>> RecentFailedVerificationsAsync(int count = 10, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.VerificationAttempts.AsNoTracking().Where(a => a.Result != VerificationResult.Matched)
            .OrderByDescending(a => a.Id).Take(count).ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<LoginLockout>> LoginLockoutsAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking().Where(u => u.LockoutEnd != null && u.LockoutEnd > now)
            .OrderBy(u => u.LockoutEnd).Take(100)
            .Select(u => new LoginLockout(u.Id, u.UserName!, u.LockoutEnd!.Value)).ToListAsync(cancellationToken);
    }
}
