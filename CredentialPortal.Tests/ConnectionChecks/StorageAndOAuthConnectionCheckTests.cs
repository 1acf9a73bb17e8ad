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
    public static void Change<T>(PortalAppFactory Factory, Func<PortalDbContext, IQueryable<T>> set, Action<T> change) where T : CredentialPortal.Domain.Catalog.CredentialEntity
    {
        using var db = Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        var entity = set(db).Single();
        change(entity);
        entity.Version++;
        db.SaveChanges();
    }
}

/// <summary>The <c>azure_blob</c> check against Azurite, Microsoft's emulator, which checks SharedKey signatures.</summary>
public sealed class AzureBlobConnectionCheckTests() : PortalWithServer<AzuriteServer>
{
    private const string Target = "storageTargets/12";

    [Fact]
    public async Task The_account_key_opens_the_container_a_wrong_key_is_rejected_a_missing_container_is_misconfigured()
    {
        var service = new BlobServiceClient(new Uri(Server.Endpoint), new StorageSharedKeyCredential(AzuriteServer.Account, AzuriteServer.AccountKey));
        await service.CreateBlobContainerAsync("recordings");
        var api = await IntegratorAsync(Factory);
        await PatchAsync(api, Target, new JsonObject { ["accountName"] = AzuriteServer.Account, ["endpoint"] = Server.Endpoint, ["accountKey"] = AzuriteServer.AccountKey });
        await ExpectAsync(api, Target, "ok");

        var wrongKey = Convert.ToBase64String(new byte[64]);
        await PatchAsync(api, Target, new JsonObject { ["accountKey"] = wrongKey });
        var rejected = await ExpectAsync(api, Target, "rejected");
        Assert.DoesNotContain(wrongKey, rejected.ToJsonString());

        await PatchAsync(api, Target, new JsonObject { ["accountKey"] = AzuriteServer.AccountKey });
        Stored.Change(Factory, db => db.StorageTargets.OfType<AzureBlobStorageTarget>(), e => e.Container = "no-such-container");
        var missing = await ExpectAsync(api, Target, "misconfigured");
        Assert.Contains("no-such-container", Detail(missing));
    }
}

/// <summary>
/// The <c>amazon_s3</c> check against moto's S3 server with authentication on, which verifies SigV4 signatures
/// (s3rver 3.7.1 does not: see MotoS3Server).
/// </summary>
public sealed class AmazonS3ConnectionCheckTests() : PortalWithServer<MotoS3Server>
{
    private const string Target = "storageTargets/11";

    [Fact]
    public async Task A_sigv4_signed_head_bucket_is_ok_a_wrong_secret_or_key_is_rejected_a_missing_bucket_is_misconfigured()
    {
        Stored.Change(Factory, db => db.StorageTargets.OfType<AmazonS3StorageTarget>(), e => { e.Bucket = MotoS3Server.Bucket; e.Region = MotoS3Server.Region; });
        var api = await IntegratorAsync(Factory);
        await PatchAsync(api, Target, new JsonObject { ["serviceUrl"] = Server.ServiceUrl, ["accessKeyId"] = Server.AccessKeyId, ["secretAccessKey"] = Server.SecretAccessKey });
        await ExpectAsync(api, Target, "ok");

        // The right key id with a wrong secret: only a server that checks the signature can refuse this.
        await PatchAsync(api, Target, new JsonObject { ["secretAccessKey"] = "wrong-secret-access-key-0000000000000000" });
        var badSignature = await ExpectAsync(api, Target, "rejected");
        Assert.DoesNotContain("wrong-secret-access-key", badSignature.ToJsonString());

        await PatchAsync(api, Target, new JsonObject { ["accessKeyId"] = "AKIAUNKNOWNKEY000000", ["secretAccessKey"] = Server.SecretAccessKey });
        Assert.Equal("rejected", Result(await TestAsync(api, Target)));

        await PatchAsync(api, Target, new JsonObject { ["accessKeyId"] = Server.AccessKeyId });
        Stored.Change(Factory, db => db.StorageTargets.OfType<AmazonS3StorageTarget>(), e => e.Bucket = "no-such-bucket");
        await ExpectAsync(api, Target, "misconfigured");
    }
}

/// <summary>
/// The OAuth types against a loopback token endpoint that plays each vendor's documented token request (the vendors'
/// real endpoints are out of reach from here).
/// </summary>
public sealed class OAuthConnectionCheckTests_against_a_loopback_token_endpoint() : PortalWithServer<TokenEndpoint>
{
    private TokenEndpoint Tokens => Server;

    [Fact]
    public async Task Azure_ad_client_credentials_ok_then_a_wrong_secret_is_rejected_and_an_unknown_tenant_misconfigured()
    {
        const string path = "adSyncProfiles/8E2C4B9A-1F37-4D6E-A5C0-7B9D3E1F2A44";
        const string clientId = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";
        Tokens.Accept(clientId, "azure-client-secret-1");
        var api = await IntegratorAsync(Factory);
        await PatchAsync(api, path, new JsonObject { ["authorityHost"] = Tokens.Address, ["tenantId"] = Tokens.Tenant, ["clientSecret"] = "azure-client-secret-1" });
        await ExpectAsync(api, path, "ok");
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
        var api = await IntegratorAsync(Factory);
        Stored.Change(Factory, db => db.ImportSources.OfType<ZoomPhonesImportSource>(), e => { e.AuthType = "oauth"; e.ApiAddress = Tokens.Address + "/v2/"; e.ForwardProxyAddress = null; });
        Stored.Change(Factory, db => db.ImportSources.OfType<RingCentralImportSource>(), e => e.ServerUrl = Tokens.Address);
        Tokens.Accept("zoom_client", "zoom-secret-1");
        Tokens.Accept("rc-client-7f3a", "rc-secret-1");
        Tokens.Accept("rc-client-7f3a:jwt", "rc.jwt.1");
        Tokens.Accept("C0ffee1234webex", "webex-secret-1");
        Tokens.Accept("C0ffee1234webex:refresh", "webex-refresh-1");

        await PatchAsync(api, "importSources/1", new JsonObject { ["apiKey"] = "zoom_client", ["apiSecret"] = "zoom-secret-1" });
        await PatchAsync(api, "importSources/2", new JsonObject { ["clientSecret"] = "rc-secret-1", ["jwtToken"] = "rc.jwt.1" });
        await PatchAsync(api, "importSources/3", new JsonObject { ["apiAddress"] = Tokens.Address, ["clientSecret"] = "webex-secret-1", ["refreshToken"] = "webex-refresh-1" });
        foreach (var source in new[] { "importSources/1", "importSources/2", "importSources/3" })
        {
            await ExpectAsync(api, source, "ok");
        }
        Assert.Contains("POST /oauth/token grant_type=client_credentials", Tokens.Requests);
        Assert.Contains("POST /restapi/oauth/token grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer", Tokens.Requests);
        Assert.Contains("POST /v1/access_token grant_type=refresh_token", Tokens.Requests);

        await PatchAsync(api, "importSources/1", new JsonObject { ["apiSecret"] = "zoom-secret-WRONG" });
        await PatchAsync(api, "importSources/2", new JsonObject { ["jwtToken"] = "rc.jwt.WRONG" });
        await PatchAsync(api, "importSources/3", new JsonObject { ["refreshToken"] = "webex-refresh-WRONG" });
        foreach (var source in new[] { "importSources/1", "importSources/2", "importSources/3" })
        {
            var rejected = await ExpectAsync(api, source, "rejected");
            Assert.DoesNotContain("WRONG", rejected.ToJsonString());
        }
    }
}
