using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Verification;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Domain;

public class SecretsAtRestTests
{
    /// <summary>Sets a fresh random marker on every secret of every connector and on one person's password.</summary>
    private static async Task<List<(EntityResource Resource, string Id, string Property, string Value)>> PlantMarkersAsync(DomainHost host)
    {
        var planted = new List<(EntityResource, string, string, string)>();
        foreach (var resource in EntityCatalog.Resources)
        {
            foreach (var entity in (await host.Connectors.ListAsync(resource, null, null, 0, 1000)).Items)
            {
                var values = entity.Type.Secrets.ToDictionary(s => s.Name, _ => "MARKER-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)));
                var result = await host.Connectors.PatchAsync(DomainHost.Vault, resource, entity.Id,
                    values.ToDictionary(v => v.Key, v => (JsonNode?)JsonValue.Create(v.Value)));
                Assert.Equal(DomainStatus.Ok, result.Status);
                planted.AddRange(values.Select(v => (resource, entity.Id, v.Key, v.Value)));
            }
        }
        return planted;
    }

    [Fact]
    public async Task Planted_secrets_appear_nowhere_in_the_database_file_or_the_logs()
    {
        // Every log category at its most verbose, SQL included, so the scan covers what an operator could turn on.
        using var host = new DomainHost(settings: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Trace",
        });
        var planted = await PlantMarkersAsync(host);
        var personMarker = "MARKER-person-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        Assert.Equal(DomainStatus.Ok, (await host.People.SetPasswordAsync(DomainHost.Vault, 16, personMarker)).Status);
        Assert.True(planted.Count >= 14, $"only {planted.Count} secrets planted");
        // The markers are real: each one verifies.
        foreach (var (resource, id, property, value) in planted.Take(3))
        {
            Assert.Equal(VerificationResult.Matched, (await host.Connectors.VerifyAsync(DomainHost.Vault, resource, id, property, value)).Value!.Result);
        }

        var logs = host.App.Logs.Text + host.App.Notices;
        var files = await host.App.Data.StoredBytesAsync();
        Assert.NotEmpty(files);
        foreach (var marker in planted.Select(p => p.Value).Append(personMarker))
        {
            var utf8 = Encoding.UTF8.GetBytes(marker);
            var utf16 = Encoding.Unicode.GetBytes(marker);
            Assert.All(files, bytes =>
            {
                Assert.True(bytes.AsSpan().IndexOf(utf8) < 0, $"{marker} found in the database files");
                Assert.True(bytes.AsSpan().IndexOf(utf16) < 0, $"{marker} found (UTF-16) in the database files");
            });
            Assert.DoesNotContain(marker, logs);
        }
        Assert.Contains("Executed DbCommand", logs); // the scan did see SQL logging
    }

    [Fact]
    public async Task After_a_restart_over_the_same_data_directory_every_secret_still_verifies()
    {
        using var data = new TestDataDirectory();
        List<(EntityResource Resource, string Id, string Property, string Value)> planted;
        using (var first = new DomainHost(data))
        {
            planted = await PlantMarkersAsync(first);
        }
        SqliteConnection.ClearAllPools();

        using var second = new DomainHost(data);
        foreach (var (resource, id, property, value) in planted)
        {
            var outcome = await second.Connectors.VerifyAsync(DomainHost.Vault with { UserId = 1 }, resource, id, property, value);
            Assert.True(outcome.Value!.Matches, $"{resource.Name}/{id}.{property} no longer verifies after the restart");
        }
        await using var db = second.CreateDbContext();
        Assert.True(await db.DataProtectionKeys.AnyAsync(), "the key ring is not in the database");
    }

    [Fact]
    public async Task A_ciphertext_copied_to_another_entity_does_not_decrypt_there()
    {
        using var host = new DomainHost();
        await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "13", DomainHost.Patch("""{ "password": "sftp-secret-one" }"""));
        await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "14", DomainHost.Patch("""{ "password": "smb-secret-two" }"""));
        await using (var db = host.CreateDbContext())
        {
            var sftp = db.StoredSecrets.Single(s => s.Resource == "storageTargets" && s.EntityKey == "13" && s.Property == "password");
            var smb = db.StoredSecrets.Single(s => s.Resource == "storageTargets" && s.EntityKey == "14" && s.Property == "password");
            smb.Ciphertext = sftp.Ciphertext;
            await db.SaveChangesAsync();
        }
        await Assert.ThrowsAsync<CryptographicException>(() =>
            host.Connectors.VerifyAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "14", "password", "sftp-secret-one"));
    }
}
