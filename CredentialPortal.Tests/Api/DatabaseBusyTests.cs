using System.Diagnostics;
using System.Net;
using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// Another connection holds SQLite's write lock (as a second process, a backup tool or a stuck writer would): requests
/// that must write wait the configured busy timeout, then answer 503 problem details with Retry-After and change
/// nothing, and work again once the lock is released.
/// </summary>
[Trait("Engine", "SqliteOnly")]
public sealed class DatabaseBusyTests : IDisposable
{
    private const string Entity = "storageTargets/13"; // SFTP: public fields and two secrets
    private readonly TestDataDirectory data = new(postgres: false);
    private readonly PortalAppFactory app;

    public DatabaseBusyTests() => app = new PortalAppFactory(data, new Dictionary<string, string?> { [DatabaseBusy.TimeoutKey] = "00:00:01" });

    public void Dispose()
    {
        app.Dispose();
        data.Dispose();
    }

    [Fact]
    public async Task A_patch_that_cannot_get_the_write_lock_answers_503_with_retry_after_after_the_configured_wait_and_changes_nothing()
    {
        var admin = await ApiSession.SignInAsync(app, "admin", PortalAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync(Entity, """{ "host": "before.example.com", "password": "password-before-the-lock" }""")).StatusCode);
        var before = await admin.GetAsync(Entity);
        var beforeBody = await before.Content.ReadAsStringAsync();
        long records;
        await using (var db = Context()) records = await db.AuditRecords.CountAsync();

        HttpResponseMessage refused, verifyRefused;
        TimeSpan waited;
        await using (SqliteWriteLock.Take(data))
        {
            var clock = Stopwatch.StartNew();
            refused = await admin.PatchAsync(Entity, """{ "host": "during.example.com", "port": 2222, "password": "password-during-the-lock" }""");
            waited = clock.Elapsed;
            // A verification writes its attempt: it is refused alike, and says nothing about the value.
            verifyRefused = await admin.PostAsync($"{Entity}/password/verify", """{ "property": "password", "value": "password-before-the-lock" }""");
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        var problem = await ApiSession.JsonAsync(refused);
        Assert.Equal(503, (int)problem["status"]!);
        Assert.Equal("Database busy", (string?)problem["title"]);
        Assert.DoesNotContain("password-during-the-lock", problem.ToJsonString());
        // It waited for the lock (SQLite's busy handler retried), and gave up at the configured second, not the default five.
        Assert.InRange(waited, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3.5));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, verifyRefused.StatusCode);
        Assert.NotNull(verifyRefused.Headers.RetryAfter);
        Assert.DoesNotContain("true", await verifyRefused.Content.ReadAsStringAsync());

        // Nothing changed: same version and values, the old secret still matches, no audit record, no attempt.
        var after = await admin.GetAsync(Entity);
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal(beforeBody, await after.Content.ReadAsStringAsync());
        await using (var db = Context())
        {
            Assert.Equal(records, await db.AuditRecords.CountAsync());
            Assert.False(await db.VerificationAttempts.AnyAsync());
            Assert.Equal("before.example.com", (await db.StorageTargets.OfType<CredentialPortal.Domain.Connectors.SftpStorageTarget>().SingleAsync(t => t.Id == 13)).Host);
        }
        Assert.Equal("true", await (await admin.PostAsync($"{Entity}/password/verify", """{ "property": "password", "value": "password-before-the-lock" }""")).Content.ReadAsStringAsync());

        // The lock is gone: the same PATCH goes through, and the chain carries on from where it was.
        var retried = await admin.PatchAsync(Entity, """{ "host": "during.example.com", "port": 2222, "password": "password-during-the-lock" }""");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal("during.example.com", (string?)(await ApiSession.JsonAsync(retried))["host"]);
        Assert.Equal("true", await (await admin.PostAsync($"{Entity}/password/verify", """{ "property": "password", "value": "password-during-the-lock" }""")).Content.ReadAsStringAsync());
        await using (var db = Context())
        {
            var chain = await app.Services.GetRequiredService<AuditTrail>().VerifyChainAsync(db);
            Assert.True(chain.Intact, chain.Summary);
            Assert.Equal(await db.AuditRecords.CountAsync(), chain.RecordsChecked);
        }
    }

    [Fact]
    public async Task Sqlite_connections_sync_every_commit_to_disk_and_wait_the_configured_busy_timeout()
    {
        await using var db = Context();
        await db.Database.OpenConnectionAsync();
        Assert.Equal("wal", await PragmaAsync(db, "journal_mode"));
        Assert.Equal(2L, await PragmaAsync(db, "synchronous")); // FULL; NORMAL (1) can lose acknowledged commits to a power cut
        Assert.Equal(1000L, await PragmaAsync(db, "busy_timeout"));
    }

    private static async Task<object?> PragmaAsync(PortalDbContext db, string name)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name}";
        return await command.ExecuteScalarAsync();
    }

    private PortalDbContext Context() => app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
}
