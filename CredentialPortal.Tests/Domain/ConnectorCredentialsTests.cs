using CredentialPortal.Domain;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Verification;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Domain;

public class ConnectorCredentialsTests(DomainFixture fixture) : IClassFixture<DomainFixture>
{
    private readonly DomainHost host = fixture.Domain;

    [Fact]
    public async Task The_seed_documents_storage_target_patch_changes_the_key_and_the_secret()
    {
        var result = await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "11",
            DomainHost.Patch("""{ "accessKeyId": "amazons3_storage_keyid", "secretAccessKey": "new plain password" }"""));

        Assert.Equal(DomainStatus.Ok, result.Status);
        var entity = result.Value!;
        Assert.Equal("amazon_s3", entity.Type.Name);
        Assert.Equal("amazons3_storage_keyid", entity["accessKeyId"]);
        // Properties added after the source document (serviceUrl) are not on its wire while unset.
        Assert.Equal(["bucket", "region", "objectLockEnabled", "objectLockMode", "accessKeyId", "id", "name"],
            entity.Values.Where(v => !(v.Key.OmittedWhenNull && v.Value is null)).Select(v => v.Key.Name));
        Assert.NotNull(entity.Secrets.Single(s => s.Secret.Name == "secretAccessKey").ChangedAt);

        var right = await host.Connectors.VerifyAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "11", "secretAccessKey", "new plain password");
        Assert.Equal(VerificationResult.Matched, right.Value!.Result);
    }

    [Fact]
    public async Task The_seed_documents_ldap_patch_works_with_a_guid_id()
    {
        var result = await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.AdSyncProfiles, "13F72189-2EEB-425F-885B-7D1BBA83DDEB",
            DomainHost.Patch("""{ "userName": "john.doe", "ldapPassword": "new plain password" }"""));
        Assert.Equal(DomainStatus.Ok, result.Status);
        Assert.Equal(["host", "port", "userName", "useSsl", "baseDn", "id", "description", "enabled"], result.Value!.Values.Select(v => v.Key.Name));
        Assert.Equal("john.doe", result.Value["userName"]);
        Assert.Equal("ldap host", result.Value["host"]);
    }

    [Fact]
    public async Task An_invalid_multi_property_change_changes_nothing_and_names_every_offender()
    {
        var before = await host.Connectors.GetAsync(EntityCatalog.ImportSources, "1");
        var result = await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.ImportSources, "1", DomainHost.Patch("""
            { "apiKey": "fresh_key", "apiSecret": "fresh secret", "forwardProxyPort": "eighty", "authType": "oauth",
              "shoeSize": 44, "type": "webex", "forwardProxyPassword": 12 }
            """));

        Assert.Equal(DomainStatus.Invalid, result.Status);
        var errors = result.Errors!.ByProperty;
        Assert.Equal(["authType", "forwardProxyPassword", "forwardProxyPort", "shoeSize", "type"], errors.Keys.Order());
        Assert.Contains("read-only", errors["authType"][0]);
        Assert.Contains("whole number", errors["forwardProxyPort"][0]);
        Assert.Contains("shoeSize.unknown_property", result.Errors.Codes);

        var after = await host.Connectors.GetAsync(EntityCatalog.ImportSources, "1");
        Assert.Equal(before!.Version, after!.Version);
        Assert.Equal(before["apiKey"], after["apiKey"]);
        Assert.Equal(before.Secrets.Select(s => s.ChangedAt), after.Secrets.Select(s => s.ChangedAt));
    }

    [Theory]
    [InlineData("""{ "port": 70000 }""", "port", "1 to 65535")]
    [InlineData("""{ "port": 0 }""", "port", "1 to 65535")]
    [InlineData("""{ "host": "not a host!" }""", "host", "host name")]
    [InlineData("""{ "host": "" }""", "host", "")]
    [InlineData("""{ "userName": "bad\u0001name" }""", "userName", "control")]
    [InlineData("""{ "port": 22.5 }""", "port", "whole number")]
    [InlineData("""{ "port": null }""", "port", "cannot be null")]
    [InlineData("""{ "password": "" }""", "password", "non-empty")]
    [InlineData("""{ "name": "elsewhere" }""", "name", "read-only")]
    [InlineData("""{ "hostKeyFingerprint": "MD5:ab:cd" }""", "hostKeyFingerprint", "ssh-keygen")]
    public async Task Field_rules_come_from_the_types_validator(string patch, string property, string message)
    {
        var result = await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "13", DomainHost.Patch(patch));
        Assert.Equal(DomainStatus.Invalid, result.Status);
        Assert.Contains(message, Assert.Single(result.Errors!.ByProperty[property]));
    }

    [Fact]
    public async Task Allowed_values_come_from_the_catalog()
    {
        var type = EntityCatalog.StorageTargets.FindType("amazon_s3")!;
        Assert.Equal(["compliance", "governance"], type.FindProperty("objectLockMode")!.AllowedValues);
        Assert.Equal(["jwt", "oauth"], EntityCatalog.ImportSources.FindType("zoom_phones")!.FindProperty("authType")!.AllowedValues);
    }

    [Fact]
    public async Task A_stale_version_is_refused_and_changes_nothing()
    {
        var current = await host.Connectors.GetAsync(EntityCatalog.StorageTargets, "14");
        var first = await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "14",
            DomainHost.Patch("""{ "domain": "CORP2" }"""), current!.Version);
        Assert.Equal(DomainStatus.Ok, first.Status);
        Assert.Equal(current.Version + 1, first.Value!.Version);

        var second = await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "14",
            DomainHost.Patch("""{ "domain": "CORP3" }"""), current.Version);
        Assert.Equal(DomainStatus.PreconditionFailed, second.Status);
        Assert.Equal("CORP2", (await host.Connectors.GetAsync(EntityCatalog.StorageTargets, "14"))!["domain"]);
    }

    [Fact]
    public async Task Concurrent_changes_without_if_match_all_land_last_write_wins()
    {
        var before = (await host.Connectors.GetAsync(EntityCatalog.ImportSources, "3"))!.Version;
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.ImportSources, "3", DomainHost.Patch($$"""{ "refreshToken": "token {{i}}" }"""))));
        Assert.All(results, r => Assert.Equal(DomainStatus.Ok, r.Status));
        Assert.Equal(before + 10, (await host.Connectors.GetAsync(EntityCatalog.ImportSources, "3"))!.Version);
    }

    [Theory]
    [InlineData("storageTargets", "abc")]
    [InlineData("storageTargets", "13F72189-2EEB-425F-885B-7D1BBA83DDEB")]
    [InlineData("storageTargets", "99999999999999999999")]
    [InlineData("storageTargets", "-1")]
    [InlineData("adSyncProfiles", "11")]
    [InlineData("storageTargets", "999")]
    public async Task Ids_that_are_not_ids_or_do_not_exist_are_not_found(string resource, string id)
    {
        var r = EntityCatalog.FindResource(resource)!;
        Assert.Null(await host.Connectors.GetAsync(r, id));
        Assert.Equal(DomainStatus.NotFound, (await host.Connectors.PatchAsync(DomainHost.Vault, r, id, DomainHost.Patch("""{"name":"x"}"""))).Status);
    }

    [Fact]
    public async Task Verifying_a_property_that_is_not_a_secret_is_an_error_not_false()
    {
        var result = await host.Connectors.VerifyAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "11", "bucket", "bucket name");
        Assert.Equal(DomainStatus.Invalid, result.Status);
        Assert.Contains("secretAccessKey", result.Errors!.ByProperty["property"][0]);
    }

    [Fact]
    public async Task Listing_filters_by_type_and_search_pages_and_orders_by_id()
    {
        var all = await host.Connectors.ListAsync(EntityCatalog.StorageTargets, null, null, 0, 100);
        Assert.Equal(4, all.Total);
        Assert.Equal(["11", "12", "13", "14"], all.Items.Select(i => i.Id));

        var page = await host.Connectors.ListAsync(EntityCatalog.StorageTargets, null, null, 1, 2);
        Assert.Equal(["12", "13"], page.Items.Select(i => i.Id));
        Assert.Equal(4, page.Total);

        var sftp = await host.Connectors.ListAsync(EntityCatalog.StorageTargets, "sftp", null, 0, 100);
        Assert.Equal("13", Assert.Single(sftp.Items).Id);

        var search = await host.Connectors.ListAsync(EntityCatalog.StorageTargets, null, "AZURE", 0, 100);
        Assert.Equal("12", Assert.Single(search.Items).Id);
        Assert.Empty((await host.Connectors.ListAsync(EntityCatalog.StorageTargets, null, "%", 0, 100)).Items);
        Assert.Empty((await host.Connectors.ListAsync(EntityCatalog.StorageTargets, null, "_", 0, 100)).Items);
    }

    [Fact]
    public async Task Every_change_is_audited_with_public_old_and_new_values_and_secret_names_only()
    {
        await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.ImportSources, "2",
            DomainHost.Patch("""{ "clientId": "rc-client-new", "clientSecret": "planted-secret-value-xyz" }"""));
        await using var db = host.CreateDbContext();
        var records = await db.AuditRecords.Where(r => r.EntityType == "importSources" && r.EntityId == "2" && r.ActorName == "vault").ToListAsync();
        var update = records.Single(r => r.Action == "update");
        Assert.Equal("clientId", update.Properties);
        Assert.Contains("rc-client-7f3a", update.Changes);
        Assert.Contains("rc-client-new", update.Changes);
        Assert.Equal("API", update.Door.ToString());
        Assert.Equal("10.1.2.3", update.ClientAddress);
        var rotation = records.Single(r => r.Action == "secret-rotated");
        Assert.Equal("clientSecret", rotation.Properties);
        Assert.Null(rotation.Changes);
        Assert.DoesNotContain(records, r => (r.Changes ?? "").Contains("planted-secret-value-xyz"));
    }

    [Fact]
    public void Every_catalog_type_has_a_validator_and_at_least_one_secret()
    {
        foreach (var type in EntityCatalog.Resources.SelectMany(r => r.Types))
        {
            var validator = typeof(FluentValidation.IValidator<>).MakeGenericType(type.ClrType);
            Assert.NotNull(host.Services.GetService(validator));
            Assert.NotEmpty(type.Secrets);
            Assert.DoesNotContain(type.Properties, p => type.FindSecret(p.Name) is not null);
        }
        Assert.Equal(["ldap", "azure_ad"], EntityCatalog.AdSyncProfiles.Types.Select(t => t.Name).OrderByDescending(n => n == "ldap"));
        Assert.Equal(["amazon_s3", "azure_blob", "sftp", "smb"], EntityCatalog.StorageTargets.Types.Select(t => t.Name));
        Assert.Equal(["ringcentral", "webex", "zoom_phones"], EntityCatalog.ImportSources.Types.Select(t => t.Name));
    }
}
