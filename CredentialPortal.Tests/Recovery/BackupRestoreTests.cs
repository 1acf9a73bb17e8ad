using System.Collections.Concurrent;
using System.Net;
using CredentialPortal.Data;
using CredentialPortal.Data.KeyRing;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Domain;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Recovery;

/// <summary>
/// <c>CredentialPortal backup</c> and <c>restore</c>, run as the built binary beside a portal that keeps writing: the
/// copy is one consistent moment (every secret matches the audit trail of that moment) and a portal over the restored
/// data, given the same master key, decrypts every secret.
/// </summary>
public class BackupRestoreTests
{
    /// <summary>Connectors of the demo data, with one secret each.</summary>
    private static readonly (string Resource, string Id, string Property)[] Targets =
    [
        ("storageTargets", "11", "secretAccessKey"), ("storageTargets", "12", "accountKey"), ("storageTargets", "13", "password"),
        ("storageTargets", "14", "password"), ("importSources", "1", "apiSecret"), ("importSources", "2", "clientSecret"),
        ("importSources", "3", "clientSecret"),
    ];

    private static Dictionary<string, string?> Environment(TestDataDirectory data, string? masterKey = null) => new()
    {
        ["Portal__DataDirectory"] = data.Path,
        ["Portal__MasterKey"] = masterKey,
    };

    private static async Task<Dictionary<string, int>> RotationsAsync(PortalAppFactory portal)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return (await db.AuditRecords.Where(r => r.Action == AuditActions.SecretRotated).Select(r => new { r.EntityType, r.EntityId }).ToListAsync())
            .GroupBy(r => $"{r.EntityType}/{r.EntityId}").ToDictionary(g => g.Key, g => g.Count());
    }

    [Fact, Trait("Category", "Heavy")]
    public async Task A_backup_taken_while_secrets_are_rotated_restores_to_a_portal_where_every_secret_and_the_audit_chain_verify()
    {
        var masterKey = KeyRingProtectionTests.NewMasterKey();
        var withKey = new Dictionary<string, string?> { [PortalMasterKey.ConfigurationKey] = masterKey };
        using var data = new TestDataDirectory(postgres: false);
        using var restored = new TestDataDirectory(postgres: false);
        var backupFile = Path.Combine(data.Path + "-backup", "portal-backup.db");
        Directory.CreateDirectory(Path.GetDirectoryName(backupFile)!);

        // One writer per connector, each rotating its secret in order; acknowledged values are kept in order.
        var acknowledged = Targets.ToDictionary(t => $"{t.Resource}/{t.Id}", _ => new List<string>());
        var failures = new ConcurrentQueue<string>();
        Dictionary<string, int> rotationsBefore;
        Dictionary<string, int> acknowledgedBeforeBackup;
        ProcessRun backup;
        using (var portal = new PortalAppFactory(data, withKey))
        {
            var admin = await ApiSession.SignInAsync(portal, "admin", PortalAppFactory.AdminPassword);
            rotationsBefore = await RotationsAsync(portal);
            using var stop = new CancellationTokenSource();
            var writers = Targets.Select(t => Task.Run(async () =>
            {
                var values = acknowledged[$"{t.Resource}/{t.Id}"];
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var value = $"{t.Resource}-{t.Id}-rotation-{i}-{Guid.NewGuid():N}";
                    var response = await admin.PatchAsync($"{t.Resource}/{t.Id}", $$"""{ "{{t.Property}}": "{{value}}" }""");
                    if (response.StatusCode != HttpStatusCode.OK) failures.Enqueue($"{t.Resource}/{t.Id}: {(int)response.StatusCode}");
                    else lock (values) values.Add(value);
                }
            })).ToList();

            await WaitUntilAsync(() => acknowledged.Values.All(v => Count(v) >= 3));
            acknowledgedBeforeBackup = acknowledged.ToDictionary(a => a.Key, a => Count(a.Value));
            backup = await PortalProcess.RunAsync(Environment(data), "backup", "--to", backupFile);
            var acknowledgedAfterBackup = acknowledged.ToDictionary(a => a.Key, a => Count(a.Value));
            // The writes went on after the copy was taken, so they ran across it.
            await WaitUntilAsync(() => acknowledged.All(a => Count(a.Value) >= acknowledgedAfterBackup[a.Key] + 3));
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
        SqliteConnection.ClearAllPools();

        Assert.True(backup.ExitCode == 0, backup.Error);
        Assert.Empty(failures);
        Assert.Contains("Backed up", backup.Output);
        Assert.Contains($"encrypted with the master key of fingerprint", backup.Output);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backupFile));

        var restore = await PortalProcess.RunAsync(Environment(restored), "restore", "--from", backupFile);
        Assert.True(restore.ExitCode == 0, restore.Error);
        Assert.True(File.Exists(restored.DatabasePath));

        using var again = new PortalAppFactory(restored, withKey);
        var rotationsRestored = await RotationsAsync(again);
        var verifier = await ApiSession.SignInAsync(again, "admin", PortalAppFactory.AdminPassword);
        foreach (var (resource, id, property) in Targets)
        {
            var key = $"{resource}/{id}";
            // The copy is one moment: its audit trail says how many rotations it holds, and its secret is exactly that rotation.
            var rotations = rotationsRestored.GetValueOrDefault(key) - rotationsBefore.GetValueOrDefault(key);
            Assert.InRange(rotations, acknowledgedBeforeBackup[key], acknowledged[key].Count);
            var expected = acknowledged[key][rotations - 1];
            var verify = await verifier.PostAsync($"{key}/password/verify", $$"""{ "property": "{{property}}", "value": "{{expected}}" }""");
            Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
            Assert.True("true" == await verify.Content.ReadAsStringAsync(), $"{key}.{property} does not verify as rotation {rotations} after the restore");
        }
        await using (var db = await again.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            var chain = await again.Services.GetRequiredService<AuditTrail>().VerifyChainAsync(db);
            Assert.True(chain.Intact, chain.Summary);
            Assert.Equal(await db.AuditRecords.LongCountAsync(), chain.RecordsChecked);
        }
        // The restored portal writes on with the same key ring.
        Assert.Equal(HttpStatusCode.OK, (await verifier.PatchAsync("storageTargets/13", """{ "password": "after-the-restore" }""")).StatusCode);
        Assert.Equal("true", await (await verifier.PostAsync("storageTargets/13/password/verify", """{ "property": "password", "value": "after-the-restore" }""")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Restore_refuses_a_data_directory_that_already_holds_a_database_and_leaves_it_untouched()
    {
        using var data = new TestDataDirectory(postgres: false);
        using (new DomainHost(data)) { }
        SqliteConnection.ClearAllPools();
        var backupFile = data.Path + "-backup.db";
        try
        {
            var backup = await PortalProcess.RunAsync(Environment(data), "backup", "--to", backupFile);
            Assert.True(backup.ExitCode == 0, backup.Error);
            Assert.Contains("NOT encrypted", backup.Output); // Development data without a master key: the copy says so
            var before = File.ReadAllBytes(data.DatabasePath);

            var restore = await PortalProcess.RunAsync(Environment(data), "restore", "--from", backupFile);

            Assert.Equal(2, restore.ExitCode);
            Assert.Equal($"The target already holds a database ({data.DatabasePath}); restore only writes into an empty data directory, so it never " +
                         "overwrites live data. Point Portal:DataDirectory (environment variable Portal__DataDirectory) at a new, empty directory, " +
                         "or stop the portal and move the existing database away first.", restore.Error.Trim());
            Assert.Equal(before, File.ReadAllBytes(data.DatabasePath));
            Assert.Empty(restore.Output);

            // Nor does backup overwrite a file.
            var again = await PortalProcess.RunAsync(Environment(data), "backup", "--to", backupFile);
            Assert.Equal(2, again.ExitCode);
            Assert.Contains("already exists; backup never overwrites a file", again.Error);
        }
        finally
        {
            File.Delete(backupFile);
        }
    }

    [Fact]
    public async Task With_PostgreSQL_configured_backup_and_restore_point_to_pg_dump_and_do_nothing()
    {
        using var data = new TestDataDirectory(postgres: false);
        var postgres = new Dictionary<string, string?>(Environment(data))
        {
            ["Portal__Database__Provider"] = "Postgres",
            ["ConnectionStrings__Portal"] = "Host=127.0.0.1;Port=1;Database=none;Username=none",
        };
        var backupFile = data.Path + "-backup.db";
        foreach (var args in new[] { new[] { "backup", "--to", backupFile }, ["restore", "--from", backupFile] })
        {
            var run = await PortalProcess.RunAsync(postgres, args);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains($"{args[0]} handles the SQLite database only; this portal is configured for PostgreSQL", run.Error);
            Assert.Contains("pg_dump --format=custom", run.Error);
            Assert.Contains("pg_restore", run.Error);
        }
        Assert.False(File.Exists(backupFile));
        Assert.False(Directory.Exists(data.Path) && Directory.EnumerateFileSystemEntries(data.Path).Any());
    }

    [Fact]
    public async Task Without_a_file_the_commands_print_their_usage_and_exit_1()
    {
        var run = await PortalProcess.RunAsync(new Dictionary<string, string?>(), "backup");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("backup needs --to FILE.", run.Error);
        Assert.Contains("CredentialPortal restore --from FILE", run.Error);
    }

    private static int Count(List<string> values)
    {
        lock (values) return values.Count;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the writers did not make progress");
            await Task.Delay(20);
        }
    }
}
