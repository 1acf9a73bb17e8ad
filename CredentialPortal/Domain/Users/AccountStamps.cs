using System.Collections.Concurrent;
using CredentialPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Users;

/// <summary>What a token or session must still agree with: the account exists, is enabled, and has this stamp and these roles.</summary>
public sealed record AccountStamp(string SecurityStamp, bool Enabled, IReadOnlyList<string> Roles);

/// <summary>
/// The current security stamp, enabled flag and roles of each account, cached so that checking a bearer token costs no
/// database round trip. Everything that changes them (password set, disable, role change, Identity's own updates
/// seen at sign-in) calls <see cref="Invalidate"/>, so a revoked token stops working at once.
/// </summary>
public sealed class AccountStamps(IDbContextFactory<PortalDbContext> contexts)
{
    private readonly ConcurrentDictionary<int, AccountStamp> cache = new();

    public async ValueTask<AccountStamp?> GetAsync(int userId, CancellationToken cancellationToken = default)
    {
        if (cache.TryGetValue(userId, out var cached)) return cached;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.SecurityStamp, u.Enabled }).FirstOrDefaultAsync(cancellationToken);
        if (user is null) return null;
        var roles = await (from ur in db.UserRoles
                           join r in db.Roles on ur.RoleId equals r.Id
                           where ur.UserId == userId
                           select r.Name!).ToListAsync(cancellationToken);
        var stamp = new AccountStamp(user.SecurityStamp ?? "", user.Enabled, roles);
        cache[userId] = stamp;
        return stamp;
    }

    public void Invalidate(int userId) => cache.TryRemove(userId, out _);
}
