using CredentialPortal.Data.KeyRing;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Users;
using CredentialPortal.Domain.Verification;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Data.Seeding;

/// <summary>
/// Runs before the server accepts requests: applies migrations, checks the key ring against the master key, creates
/// the roles and the first administrator, and loads the demo data when asked to.
/// </summary>
public sealed class DatabaseStartup(
    IServiceScopeFactory scopes,
    IOptions<PortalOptions> options,
    KeyRingProtection keyRing,
    StartupNotices notices,
    ILogger<DatabaseStartup> logger) : IHostedService
{
    public const string AdminLoginName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<PortalDbContext>();

        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers work while one writer commits; the setting is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
        // Before anything below encrypts or decrypts with the key ring.
        await keyRing.CheckAsync(cancellationToken);
        await services.GetRequiredService<AuditEvidence>().EnsureAsync(cancellationToken);

        await services.GetRequiredService<VerificationLockout>().LoadAsync(cancellationToken);
        await EnsureRolesAsync(services.GetRequiredService<RoleManager<PortalRole>>());
        var users = services.GetRequiredService<UserManager<PortalUser>>();
        await EnsureAdministratorAsync(users, db, services.GetRequiredService<AuditTrail>());

        if (options.Value.SeedScale > 0)
        {
            await services.GetRequiredService<ScaleData>().LoadAsync(options.Value.SeedScale, cancellationToken);
        }
        if (options.Value.SeedDemo)
        {
            await services.GetRequiredService<DemoData>().LoadAsync(cancellationToken);
        }
        if (options.Value.SeedDemo || options.Value.SeedScale > 0)
        {
            await IdentitySequences.MovePastSeededIdsAsync(db, cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task EnsureRolesAsync(RoleManager<PortalRole> roles)
    {
        foreach (var role in PortalRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                IdentityResults.ThrowIfFailed(await roles.CreateAsync(new PortalRole(role)), $"create role {role}");
            }
        }
    }

    private async Task EnsureAdministratorAsync(UserManager<PortalUser> users, PortalDbContext db, AuditTrail audit)
    {
        if (await users.Users.AnyAsync())
        {
            return;
        }

        var configured = options.Value.AdminPassword;
        var password = string.IsNullOrEmpty(configured) ? PasswordGenerator.Generate() : configured;
        var admin = new PortalUser
        {
            UserName = AdminLoginName,
            DisplayName = "Administrator",
            CreatedAt = DateTime.UtcNow,
            LastPasswordChange = DateTime.UtcNow,
        };
        IdentityResults.ThrowIfFailed(await users.CreateAsync(admin, password), "create the first administrator (check Portal:AdminPassword)");
        IdentityResults.ThrowIfFailed(await users.AddToRoleAsync(admin, PortalRoles.Administrator), "grant the Administrator role");
        await audit.CommitAsync(db, [audit.DescribeAccountCreated(Actor.System, admin, PortalRoles.Administrator)]);

        logger.LogInformation("Created the first administrator account {LoginName}", AdminLoginName);
        notices.Write(string.IsNullOrEmpty(configured)
            ? $"""

               First run: created user '{AdminLoginName}' with this generated password (shown once, never again):

                   {password}

               """
            : $"First run: created user '{AdminLoginName}' with the password from Portal:AdminPassword.");
    }
}

internal static class IdentityResults
{
    public static void ThrowIfFailed(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            // Identity's error descriptions name rules, never the password itself.
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
