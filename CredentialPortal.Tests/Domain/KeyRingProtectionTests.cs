using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using CredentialPortal.Data.KeyRing;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Domain;

/// <summary>The Data Protection key ring in the database, sealed with Portal:MasterKey (both engines).</summary>
public class KeyRingProtectionTests
{
    public static string NewMasterKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(PortalMasterKey.KeyBytes));

    private static Dictionary<string, string?> WithMasterKey(string? key) => new() { [PortalMasterKey.ConfigurationKey] = key };

    private static async Task SetSftpPasswordAsync(DomainHost host, string value) =>
        Assert.Equal(CredentialPortal.Domain.DomainStatus.Ok,
            (await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "13", DomainHost.Patch($$"""{ "password": "{{value}}" }"""))).Status);

    private static async Task<bool> SftpPasswordIsAsync(DomainHost host, string value) =>
        (await host.Connectors.VerifyAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "13", "password", value)).Value!.Matches;

    private static async Task<List<XElement>> KeyRingEntriesAsync(DomainHost host)
    {
        await using var db = host.CreateDbContext();
        return (await db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).ToListAsync()).Select(x => XElement.Parse(x!)).ToList();
    }

    /// <summary>The base64 key material Data Protection keeps in each entry's masterKey/value element.</summary>
    private static IEnumerable<string> KeyMaterial(XElement entryOrPart) =>
        entryOrPart.DescendantsAndSelf("masterKey").Elements("value").Select(v => v.Value);

    private static async Task AssertNowhereInTheDatabaseAsync(TestDataDirectory data, IReadOnlyCollection<string> keyMaterial)
    {
        // SQLite: also the files as they are while the portal runs, before the scan's own checkpoint tidies them.
        var files = (data.IsPostgres ? [] : Directory.GetFiles(data.Path, "portal.db*").Select(ReadIfStillThere).OfType<byte[]>())
            .Concat(await data.StoredBytesAsync()).ToList();
        Assert.NotEmpty(files);
        foreach (var material in keyMaterial)
        {
            Assert.All(files, bytes => Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(material)) < 0, "Data Protection key material found in the database in plain text"));
        }
    }

    private static byte[]? ReadIfStillThere(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null; // SQLite removed its WAL in between
        }
    }

    [Fact]
    public async Task With_a_master_key_the_key_ring_rows_hold_no_plaintext_key_material()
    {
        var key = NewMasterKey();
        using var host = new DomainHost(settings: WithMasterKey(key));
        await SetSftpPasswordAsync(host, "sftp-secret-one");

        var entries = await KeyRingEntriesAsync(host);
        Assert.NotEmpty(entries);
        var masterKey = host.Services.GetRequiredService<PortalMasterKey>();
        var keyMaterial = new List<string>();
        foreach (var entry in entries)
        {
            Assert.False(KeyRingXml.HoldsPlaintextKey(entry), $"key {(string?)entry.Attribute("id")} is stored in the clear");
            Assert.Empty(KeyMaterial(entry));
            var sealedParts = KeyRingXml.SealedParts(entry).ToList();
            Assert.NotEmpty(sealedParts);
            keyMaterial.AddRange(sealedParts.Select(masterKey.Open).SelectMany(KeyMaterial));
        }
        // The sealed parts do hold the keys (64 bytes each, base64), and not one of them is stored in the clear anywhere.
        Assert.Equal(entries.Count, keyMaterial.Count);
        Assert.All(keyMaterial, m => Assert.Equal(64, Convert.FromBase64String(m).Length));
        await AssertNowhereInTheDatabaseAsync(host.App.Data, keyMaterial);

        Assert.True(await SftpPasswordIsAsync(host, "sftp-secret-one"));
        Assert.DoesNotContain(key, host.App.Logs.Text + host.App.Notices);
        Assert.Contains($"fingerprint {masterKey.Fingerprint}", host.App.Logs.Text);
    }

    [Fact]
    public async Task Without_a_master_key_reading_the_key_ring_logs_no_key_material_even_at_Trace()
    {
        using var data = new TestDataDirectory();
        List<string> plaintextKeyMaterial;
        using (var first = new DomainHost(data))
        {
            await SetSftpPasswordAsync(first, "logged-key-ring-probe");
            plaintextKeyMaterial = (await KeyRingEntriesAsync(first)).SelectMany(KeyMaterial).ToList();
        }
        SqliteConnection.ClearAllPools();

        // The next start reads the plaintext ring back through Data Protection's EF Core store (Development, no key),
        // with Data Protection's logging turned all the way up, as someone chasing a key ring problem would.
        using var second = new DomainHost(data, new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Trace" });
        Assert.True(await SftpPasswordIsAsync(second, "logged-key-ring-probe"));
        Assert.NotEmpty(plaintextKeyMaterial);
        Assert.Contains("Microsoft.AspNetCore.DataProtection", second.App.Logs.Text); // Data Protection's Trace lines are captured
        Assert.All(plaintextKeyMaterial, m => Assert.DoesNotContain(m, second.App.Logs.Text));
    }

    [Fact]
    public async Task Keys_written_before_a_master_key_was_set_are_sealed_at_the_next_start_and_still_decrypt_their_secrets()
    {
        using var data = new TestDataDirectory();
        List<string> plaintextKeyMaterial;
        using (var before = new DomainHost(data))
        {
            await SetSftpPasswordAsync(before, "written-before-the-master-key");
            // Several rows side by side, as a ring has after key rotations (and as SQLite's free space can keep old ones).
            var keys = before.Services.GetRequiredService<IKeyManager>();
            keys.CreateNewKey(DateTimeOffset.UtcNow.AddDays(80), DateTimeOffset.UtcNow.AddDays(170));
            keys.CreateNewKey(DateTimeOffset.UtcNow.AddDays(160), DateTimeOffset.UtcNow.AddDays(250));
            var entries = await KeyRingEntriesAsync(before);
            Assert.All(entries, e => Assert.True(KeyRingXml.HoldsPlaintextKey(e)));
            plaintextKeyMaterial = entries.SelectMany(KeyMaterial).ToList();
            Assert.Equal(3, plaintextKeyMaterial.Count);
            Assert.Contains("Portal:MasterKey is not set", before.App.Logs.Text); // Development runs without, with a warning
        }
        SqliteConnection.ClearAllPools();

        using var after = new DomainHost(data, WithMasterKey(NewMasterKey()));
        Assert.True(await SftpPasswordIsAsync(after, "written-before-the-master-key"));
        var sealedEntries = await KeyRingEntriesAsync(after);
        Assert.All(sealedEntries, e => Assert.False(KeyRingXml.HoldsPlaintextKey(e)));
        // The same keys, now only in sealed form: gone from the rows and from the files.
        var masterKey = after.Services.GetRequiredService<PortalMasterKey>();
        Assert.Equal(plaintextKeyMaterial, sealedEntries.SelectMany(KeyRingXml.SealedParts).Select(masterKey.Open).SelectMany(KeyMaterial));
        await AssertNowhereInTheDatabaseAsync(data, plaintextKeyMaterial);
        Assert.Contains($"Sealed {plaintextKeyMaterial.Count} Data Protection key(s)", after.App.Logs.Text);
        Assert.DoesNotContain("Portal:MasterKey is not set", after.App.Logs.Text);
    }

    [Fact]
    public async Task A_wrong_or_missing_master_key_stops_start_up_with_a_message_and_changes_nothing()
    {
        using var data = new TestDataDirectory();
        var right = NewMasterKey();
        List<XElement> written;
        string fingerprint;
        using (var first = new DomainHost(data, WithMasterKey(right)))
        {
            await SetSftpPasswordAsync(first, "sealed-ring-secret");
            written = await KeyRingEntriesAsync(first);
            fingerprint = first.Services.GetRequiredService<PortalMasterKey>().Fingerprint!;
        }
        SqliteConnection.ClearAllPools();

        foreach (var (key, expected) in new[]
                 {
                     (NewMasterKey(), $"is not the master key that encrypted the Data Protection key ring in the database (fingerprint {fingerprint})"),
                     (null, $"encrypted with a master key (fingerprint {fingerprint}), but Portal:MasterKey is not set"),
                 })
        {
            using var refused = new PortalAppFactory(data, WithMasterKey(key));
            // The host does not start; what the operator reads is the refusal the host logs (and Program prints alone).
            Assert.ThrowsAny<Exception>(() => refused.Services);
            var refusal = Assert.Single(refused.Logs.Text.Split('\n'), l => l.Contains("Hosting failed to start") && l.Contains(nameof(PortalRefusedException)));
            Assert.Contains(expected, refusal);
            Assert.Contains("Set Portal:MasterKey (environment variable Portal__MasterKey) to the key the database was used with", refusal);
            SqliteConnection.ClearAllPools();
        }

        // Nothing was written by the refused starts: the right key opens the same ring and its secret.
        using var again = new DomainHost(data, WithMasterKey(right));
        Assert.Equal(written.Select(e => e.ToString()), (await KeyRingEntriesAsync(again)).Select(e => e.ToString()));
        Assert.True(await SftpPasswordIsAsync(again, "sealed-ring-secret"));
    }
}
