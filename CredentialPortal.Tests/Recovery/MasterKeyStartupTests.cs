using CredentialPortal.Data.KeyRing;
using CredentialPortal.Tests.Domain;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Recovery;

/// <summary>What an operator sees when the built portal starts without the master key it needs (a real process, Production).</summary>
public class MasterKeyStartupTests
{
    [Fact]
    public async Task Started_in_Production_without_a_master_key_the_portal_refuses_naming_the_setting_and_how_to_make_one()
    {
        using var data = new TestDataDirectory(postgres: false);
        var run = await PortalProcess.RunAsync(new Dictionary<string, string?> { ["Portal__DataDirectory"] = data.Path }, "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, run.ExitCode);
        var message = run.Error.Trim();
        Assert.StartsWith("CredentialPortal will not start in the Production environment without a master key.", message);
        Assert.Contains("Set Portal:MasterKey (environment variable Portal__MasterKey) to 32 random bytes in base64", message);
        Assert.Contains("`openssl rand -base64 32`", message);
        Assert.Single(message.Split('\n')); // one paragraph, no stack trace
        Assert.DoesNotContain("Unhandled exception", run.Output + run.Error);
        Assert.False(File.Exists(data.DatabasePath), "the refused start created a database");
    }

    [Fact]
    public async Task Started_with_another_master_key_than_the_database_was_sealed_with_the_portal_stops_with_one_paragraph()
    {
        using var data = new TestDataDirectory(postgres: false);
        string fingerprint;
        using (var first = new DomainHost(data, new Dictionary<string, string?> { [PortalMasterKey.ConfigurationKey] = KeyRingProtectionTests.NewMasterKey() }))
        {
            // The demo data's secrets were encrypted at start-up, so the ring holds a sealed key.
            fingerprint = first.Services.GetRequiredService<PortalMasterKey>().Fingerprint!;
        }
        SqliteConnection.ClearAllPools();

        var run = await PortalProcess.RunAsync(new Dictionary<string, string?>
        {
            ["Portal__DataDirectory"] = data.Path,
            ["Portal__MasterKey"] = KeyRingProtectionTests.NewMasterKey(),
        }, "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, run.ExitCode);
        // stderr holds the refusal alone, one paragraph (the host's log of the failure goes to stdout with the other logs).
        var message = Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("CredentialPortal cannot start: Portal:MasterKey (fingerprint ", message);
        Assert.Contains($"is not the master key that encrypted the Data Protection key ring in the database (fingerprint {fingerprint})", message);
        Assert.Contains("Set Portal:MasterKey (environment variable Portal__MasterKey) to the key the database was used with", message);
    }
}
