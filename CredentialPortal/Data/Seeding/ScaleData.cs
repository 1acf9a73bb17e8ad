using System.Diagnostics;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Secrets;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Data.Seeding;

/// <summary>
/// Benchmark data (<c>--seed-scale N</c>): N people and N/10 of each connector resource, inserted in batches on an empty
/// database. Every user shares one precomputed password hash (hashing 100,000 passwords at 210,000 iterations would
/// take hours); every connector secret is encrypted for real.
/// </summary>
public sealed class ScaleData(PortalDbContext db, IPasswordHasher<PortalUser> hasher, ILookupNormalizer normalizer,
    SecretProtector protector, AuditTrail audit, StartupNotices notices, ILogger<ScaleData> logger)
{
    public const string SharedPassword = "scale-user-password-2026";
    private const int Batch = 5000;

    public async Task LoadAsync(int users, CancellationToken cancellationToken)
    {
        if (await db.Users.CountAsync(cancellationToken) > 1 || await db.StorageTargets.AnyAsync(cancellationToken))
        {
            notices.Write("Scale data: not loaded, the database already holds data.");
            return;
        }
        var clock = Stopwatch.StartNew();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var hash = hasher.HashPassword(new PortalUser(), SharedPassword);
        var now = DateTime.UtcNow;
        var firstId = (await db.Users.MaxAsync(u => (int?)u.Id, cancellationToken) ?? 0) + 1;
        for (var start = 0; start < users; start += Batch)
        {
            for (var i = start; i < Math.Min(users, start + Batch); i++)
            {
                var login = $"user{i:D6}";
                db.Users.Add(new PortalUser
                {
                    Id = firstId + i, UserName = login, NormalizedUserName = normalizer.NormalizeName(login),
                    Email = $"{login}@scale.example", NormalizedEmail = normalizer.NormalizeEmail($"{login}@scale.example"),
                    DisplayName = $"Scale User {i:D6}", PasswordHash = hash, SecurityStamp = Guid.NewGuid().ToString("N"),
                    ConcurrencyStamp = Guid.NewGuid().ToString(), CreatedAt = now, LastPasswordChange = now.AddDays(-(i % 365)),
                    Source = i % 10 == 0 ? UserSource.ActiveDirectory : UserSource.Local, LockoutEnabled = true,
                });
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        var perResource = Math.Max(1, users / 10);
        foreach (var resource in EntityCatalog.Resources)
        {
            for (var start = 0; start < perResource; start += Batch)
            {
                for (var i = start; i < Math.Min(perResource, start + Batch); i++)
                {
                    var type = resource.Types[i % resource.Types.Count];
                    var entity = (CredentialEntity)Activator.CreateInstance(type.ClrType)!;
                    switch (entity)
                    {
                        case AdSyncProfile profile: profile.Id = Guid.NewGuid(); profile.Description = $"Scale profile {i:D6}"; break;
                        case StorageTarget target: target.Id = i + 1; target.Name = $"Scale target {i:D6}"; break;
                        case ImportSource source: source.Id = i + 1; source.Name = $"Scale source {i:D6}"; break;
                    }
                    entity.UpdatedAt = now;
                    db.Add(entity);
                    foreach (var secret in type.Secrets)
                    {
                        db.StoredSecrets.Add(new StoredSecret
                        {
                            Resource = resource.Name, EntityKey = entity.Key, Property = secret.Name,
                            Ciphertext = protector.Protect(resource.Name, entity.Key, secret.Name, PasswordGenerator.Generate()),
                            ChangedAt = now.AddDays(-(i % 200)),
                        });
                    }
                }
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
        }
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        await audit.CommitAsync(db, [audit.Describe(Actor.System, AuditActions.Create, outcome: $"scale data: {users} users, {perResource} of each connector resource")], cancellationToken);
        logger.LogInformation("Loaded scale data: {Users} users in {Seconds:F1} s", users, clock.Elapsed.TotalSeconds);
        notices.Write($"Scale data loaded: {users} users (password '{SharedPassword}'), {perResource} of each connector resource, in {clock.Elapsed.TotalSeconds:F1} s.");
    }
}
