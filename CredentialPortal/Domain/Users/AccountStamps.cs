using System.Collections.Concurrent;
using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Users;

/// <summary>What a token or session must still agree with: the account exists, is enabled, and has this stamp and these roles.</summary>
public sealed record AccountStamp(string SecurityStamp, bool Enabled, IReadOnlyList<string> Roles)
{
    /// <summary>A new password is due (temporary password or the flag): nothing but changing it is open to the account.</summary>
    public bool MustChangePassword { get; init; }

    /// <summary>The account has a second factor (<see cref="TwoFactor.TwoFactorPolicy.WithSecondFactor"/>).</summary>
    public bool HasSecondFactor { get; init; }

    /// <summary>The start of the account's two-factor grace period (<see cref="PortalUser.TwoFactorRequiredSince"/>).</summary>
    public DateTime? TwoFactorRequiredSince { get; init; }

    /// <summary>The forced enrolment has been audited (<see cref="PortalUser.TwoFactorEnforcementRecorded"/>).</summary>
    public bool TwoFactorEnforcementRecorded { get; init; }
}

/// <summary>
/// The current security stamp, enabled flag and roles of each account (and what its gates ask: a password change due,
/// its two-factor state), cached so that checking a bearer token or a page request costs no database round trip. Everything that changes them (password set, disable, role change, Identity's own updates
/// seen at sign-in) calls <see cref="Invalidate"/>, so a revoked token stops working at once here, and within
/// milliseconds on the other instances over a shared database (<see cref="ClusterSignals"/>).
/// </summary>
public sealed class AccountStamps
{
    private const string Topic = "account";

    private readonly IDbContextFactory<PortalDbContext> contexts;
    private readonly ClusterSignals signals;
    private readonly ConcurrentDictionary<int, AccountStamp> cache = new();
    private long generation; // bumped by every invalidation: a read that raced one is not kept

    public AccountStamps(IDbContextFactory<PortalDbContext> contexts, ClusterSignals signals)
    {
        (this.contexts, this.signals) = (contexts, signals);
        signals.Subscribe(Topic,
            userId =>
            {
                if (userId == Everyone) ForgetAll();
                else Forget(int.Parse(userId, System.Globalization.CultureInfo.InvariantCulture));
            },
            ForgetAll);
    }

    public async ValueTask<AccountStamp?> GetAsync(int userId, CancellationToken cancellationToken = default)
    {
        if (cache.TryGetValue(userId, out var cached)) return cached;
        var before = Interlocked.Read(ref generation);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var withSecondFactor = TwoFactor.TwoFactorPolicy.WithSecondFactor(db);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new
            {
                u.SecurityStamp, u.Enabled, u.MustChangePassword, u.TwoFactorRequiredSince, u.TwoFactorEnforcementRecorded,
                HasSecondFactor = withSecondFactor.Contains(u.Id),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (user is null) return null;
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ur.UserId == userId
                           select r.Name!).ToListAsync(cancellationToken);
        var stamp = new AccountStamp(user.SecurityStamp ?? "", user.Enabled, roles)
        {
            MustChangePassword = user.MustChangePassword,
            HasSecondFactor = user.HasSecondFactor,
            TwoFactorRequiredSince = user.TwoFactorRequiredSince,
            TwoFactorEnforcementRecorded = user.TwoFactorEnforcementRecorded,
        };
        cache[userId] = stamp;
        if (Interlocked.Read(ref generation) != before) cache.TryRemove(userId, out _); // it may predate a change
        return stamp;
    }

    public void Invalidate(int userId)
    {
        Forget(userId);
        _ = signals.PublishAsync(Topic, userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Every account's state may have changed (the two-factor policy did): read each again on next use.</summary>
    public void InvalidateAll()
    {
        ForgetAll();
        _ = signals.PublishAsync(Topic, Everyone);
    }

    private const string Everyone = "*";

    private void ForgetAll()
    {
        Interlocked.Increment(ref generation);
        cache.Clear();
    }

    private void Forget(int userId)
    {
        Interlocked.Increment(ref generation);
        cache.TryRemove(userId, out _);
    }
}
