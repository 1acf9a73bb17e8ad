using System.Text.Json.Nodes;
using Azure.Storage;
using Azure.Storage.Blobs;
using CredentialPortal.Data;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Tests.Infrastructure;
using CredentialPortal.Tests.Infrastructure.TestServers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static CredentialPortal.Tests.ConnectionChecks.ConnectionCheckApi;

namespace CredentialPortal.Tests.ConnectionChecks;

/// <summary>Sets read-only connection details (bucket, container, vendor address) the way the source system would: in the database.</summary>
internal static class Stored
{
    public static void Change<T>(PortalAppFactory factory, Func<PortalDbContext, IQueryable<T>> set, Action<T> change) where T : CredentialPortal.Domain.Catalog.CredentialEntity
    {
        using var db = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        var entity = set(db).Single();
        change(entity);
        entity.Version++;
        db.SaveChanges();
    }
}

/// <summary>The <c>azure_blob</c> check against Azurite, Microsoft's emulator, which checks SharedKey signatures.</summary>
public sealed class AzureBlobConnectionCheckTests : IDisposable
{
    private const string Target = "storageTargets/12";
    private readonly AzuriteServer azurite = new();
    private readonly PortalAppFactory factory = new();

    public void Dispose()
    {
        factory.Dispose();
        azurite.Dispose();
    }

    [Fact]
    public async Task The_account_key_opens_the_container_a_wrong_key_is_rejected_a_missing_container_is_misconfigured()
    {
        var service = new BlobServiceClient(new Uri(azurite.Endpoint), new StorageSharedKeyCredential(AzuriteServer.Account, AzuriteServer.AccountKey));
        await service.CreateBlobContainerAsync("recordings");
        var api = await IntegratorAsync(factory);
        await PatchAsync(api, Target, new JsonObject { ["accountName"] = AzuriteServer.Account, ["endpoint"] = azurite.Endpoint, ["accountKey"] = AzuriteServer.AccountKey });
        var ok = await TestAsync(api, Target);
        Assert.True(Result(ok) == "ok", Detail(ok));

        var wrongKey = Convert.ToBase64String(new byte[64]);
        await PatchAsync(api, Target, new JsonObject { ["accountKey"] = wrongKey });
        var rejected = await TestAsync(api, Target);
        Assert.True(Result(rejected) == "rejected", Detail(rejected));
        Assert.DoesNotContain(wrongKey, rejected.ToJsonString());

        await PatchAsync(api, Target, new JsonObject { ["accountKey"] = AzuriteServer.AccountKey });
        Stored.Change(factory, db => db.StorageTargets.OfType<AzureBlobStorageTarget>(), e => e.Container = "no-such-container");
        var missing = await TestAsync(api, Target);
        Assert.True(Result(missing) == "misconfigured", Detail(missing));
        Assert.Contains("no-such-container", Detail(missing));
    }
}

/// <summary>
/// The <c>amazon_s3</c> check against moto's S3 server with authentication on, which verifies SigV4 signatures
/// (s3rver 3.7.1 does not: see MotoS3Server).
/// </summary>
public sealed class AmazonS3ConnectionCheckTests : IDisposable
{
    private const string Target = "storageTargets/11";
    private readonly MotoS3Server s3 = new();
    private readonly PortalAppFactory factory = new();

    public void Dispose()
    {
        factory.Dispose();
        s3.Dispose();
    }

    [Fact]
    public async Task A_sigv4_signed_head_bucket_is_ok_a_wrong_secret_or_key_is_rejected_a_missing_bucket_is_misconfigured()
    {
        Stored.Change(factory, db => db.StorageTargets.OfType<AmazonS3StorageTarget>(), e => { e.Bucket = MotoS3Server.Bucket; e.Region = MotoS3Server.Region; });
        var api = await IntegratorAsync(factory);
        await PatchAsync(api, Target, new JsonObject { ["serviceUrl"] = s3.ServiceUrl, ["accessKeyId"] = s3.AccessKeyId, ["secretAccessKey"] = s3.SecretAccessKey });
        var ok = await TestAsync(api, Target);
        Assert.True(Result(ok) == "ok", Detail(ok));

        // The right key id with a wrong secret: only a server that checks the signature can refuse this.
        await PatchAsync(api, Target, new JsonObject { ["secretAccessKey"] = "wrong-secret-access-key-0000000000000000" });
        var badSignature = await TestAsync(api, Target);
        Assert.True(Result(badSignature) == "rejected", Detail(badSignature));
        Assert.DoesNotContain("wrong-secret-access-key", badSignature.ToJsonString());

        await PatchAsync(api, Target, new JsonObject { ["accessKeyId"] = "AKIAUNKNOWNKEY000000", ["secretAccessKey"] = s3.SecretAccessKey });
        Assert.Equal("rejected", Result(await TestAsync(api, Target)));

        await PatchAsync(api, Target, new JsonObject { ["accessKeyId"] = s3.AccessKeyId });
        Stored.Change(factory, db => db.StorageTargets.OfType<AmazonS3StorageTarget>(), e => e.Bucket = "no-such-bucket");
        var missing = await TestAsync(api, Target);
        Assert.True(Result(missing) == "misconfigured", Detail(missing));
    }
}

/// <summary>
/// The OAuth types against a loopback token endpoint that plays each vendor's documented token request (the vendors'
/// real endpoints are out of reach from here).
/// </summary>
public sealed class OAuthConnectionCheckTests_against_a_loopback_token_endpoint : IDisposable
{
    private readonly TokenEndpoint tokens = new();
    private readonly PortalAppFactory factory = new();

    public void Dispose()
    {
        factory.Dispose();
        tokens.Dispose();
    }

    [Fact]
    public async Task Azure_ad_client_credentials_ok_then_a_wrong_secret_is_rejected_and_an_unknown_tenant_misconfigured()
    {
        const string path = "adSyncProfiles/8E2C4B9A-1F37-4D6E-A5C0-7B9D3E1F2A44";
        const string clientId = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
        tokens.Accept(clientId, "azure-client-secret-1");
        var api = await IntegratorAsync(factory);
        await PatchAsync(api, path, new JsonObject { ["authorityHost"] = tokens.Address, ["tenantId"] = tokens.Tenant, ["clientSecret"] = "azure-client-secret-1" });
        var ok = await TestAsync(api, path);
        Assert.True(Result(ok) == "ok", Detail(ok));
        await PatchAsync(api, path, new JsonObject { ["clientSecret"] = "azure-client-secret-WRONG" });
        var rejected = await TestAsync(api, path);
        Assert.Equal("rejected", Result(rejected));
        Assert.DoesNotContain("azure-client-secret-WRONG", rejected.ToJsonString());
        await PatchAsync(api, path, new JsonObject { ["clientSecret"] = "azure-client-secret-1", ["tenantId"] = Guid.NewGuid().ToString() });
        Assert.Equal("misconfigured", Result(await TestAsync(api, path)));
    }

    [Fact]
    public async Task Zoom_oauth_ringcentral_jwt_and_webex_refresh_token_are_ok_with_the_stored_secret_and_rejected_without()
    {
        var api = await IntegratorAsync(factory);
        Stored.Change(factory, db => db.ImportSources.OfType<ZoomPhonesImportSource>(), e => { e.AuthType = "oauth"; e.ApiAddress = tokens.Address + "/v2/"; e.ForwardProxyAddress = null; });
        Stored.Change(factory, db => db.ImportSources.OfType<RingCentralImportSource>(), e => e.ServerUrl = tokens.Address);
        tokens.Accept("zoom_client", "zoom-secret-1");
        tokens.Accept("rc-client-7f3a", "rc-secret-1");
        tokens.Accept("rc-client-7f3a:jwt", "rc.jwt.1");
        tokens.Accept("C0ffee1234webex", "webex-secret-1");
        tokens.Accept("C0ffee1234webex:refresh", "webex-refresh-1");

        await PatchAsync(api, "importSources/1", new JsonObject { ["apiKey"] = "zoom_client", ["apiSecret"] = "zoom-secret-1" });
        await PatchAsync(api, "importSources/2", new JsonObject { ["clientSecret"] = "rc-secret-1", ["jwtToken"] = "rc.jwt.1" });
        await PatchAsync(api, "importSources/3", new JsonObject { ["apiAddress"] = tokens.Address, ["clientSecret"] = "webex-secret-1", ["refreshToken"] = "webex-refresh-1" });
        foreach (var source in new[] { "importSources/1", "importSources/2", "importSources/3" })
        {
            var ok = await TestAsync(api, source);
            Assert.True(Result(ok) == "ok", source + ": " + Detail(ok));
        }
        Assert.Contains("POST /oauth/token grant_type=client_credentials", tokens.Requests);
        Assert.Contains("POST /restapi/oauth/token grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer", tokens.Requests);
        Assert.Contains("POST /v1/access_token grant_type=refresh_token", tokens.Requests);

        await PatchAsync(api, "importSources/1", new JsonObject { ["apiSecret"] = "zoom-secret-WRONG" });
        await PatchAsync(api, "importSources/2", new JsonObject { ["jwtToken"] = "rc.jwt.WRONG" });
        await PatchAsync(api, "importSources/3", new JsonObject { ["refreshToken"] = "webex-refresh-WRONG" });
        foreach (var source in new[] { "importSources/1", "importSources/2", "importSources/3" })
        {
            var rejected = await TestAsync(api, source);
            Assert.True(Result(rejected) == "rejected", source + ": " + Detail(rejected));
            Assert.DoesNotContain("WRONG", rejected.ToJsonString());
        }
    }
}
