using System.Net;
using CredentialPortal.Tests.Api;

namespace CredentialPortal.Tests.ApiClient;

/// <summary>
/// The committed Kiota client (ApiClient/Generated) is what Kiota makes of the served document today. Regenerate it
/// after an API change with <c>PORTAL_REGENERATE_CLIENT=1 dotnet test --filter "FullyQualifiedName~The_committed_client"</c>.
/// </summary>
public class GeneratedClientCurrencyTests(CredentialApiTests.Host host) : IClassFixture<CredentialApiTests.Host>
{
    [Fact]
    public async Task The_committed_client_is_what_kiota_generates_from_the_served_document()
    {
        var response = await host.Factory.CreateClient(new() { BaseAddress = new Uri("http://credentials.vault.test") }).GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var work = Directory.CreateTempSubdirectory("kiota-").FullName;
        try
        {
            var document = Path.Combine(work, "openapi.json");
            await File.WriteAllTextAsync(document, await response.Content.ReadAsStringAsync());
            var fresh = Path.Combine(work, "client");
            KiotaGeneration.Generate(document, fresh);
            var generated = KiotaGeneration.Files(fresh);
            Assert.NotEmpty(generated);

            if (Environment.GetEnvironmentVariable("PORTAL_REGENERATE_CLIENT") == "1")
            {
                var committed = KiotaGeneration.CommittedFolder;
                if (Directory.Exists(committed)) Directory.Delete(committed, recursive: true);
                foreach (var (path, text) in generated)
                {
                    var target = Path.Combine(committed, path);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    await File.WriteAllTextAsync(target, text);
                }
                return;
            }

            var current = KiotaGeneration.Files(KiotaGeneration.CommittedFolder);
            var stale = generated.Keys.Union(current.Keys).Where(k => generated.GetValueOrDefault(k) != current.GetValueOrDefault(k)).Order().ToList();
            Assert.True(stale.Count == 0,
                $"ApiClient/Generated is stale ({stale.Count} files differ: {string.Join(", ", stale.Take(10))}). Regenerate: "
                + "PORTAL_REGENERATE_CLIENT=1 dotnet test --filter \"FullyQualifiedName~The_committed_client\"");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

/// <summary>
/// The source document's whole flow, typed, through the Kiota client generated from the served document, over the
/// portal's real HTTP pipeline (WebApplicationFactory's handler, with Kiota's own middleware in front).
/// </summary>
public class GeneratedClientFlowTests(CredentialApiTests.Host host) : IClassFixture<CredentialApiTests.Host>
{
    private const string NewPassword = "new plain password";

    private async Task<Generated.CredentialPortalClient> SignedInClientAsync()
    {
        var http = host.Factory.CreateDefaultClient(Microsoft.Kiota.Http.HttpClientLibrary.KiotaClientFactory.CreateDefaultHandlers().ToArray());
        // The token call needs no token: an anonymous client gets one, typed.
        var anonymous = new Generated.CredentialPortalClient(Adapter(new Microsoft.Kiota.Abstractions.Authentication.AnonymousAuthenticationProvider(), http));
        var token = await anonymous.Verba.Restapi.V1.Auth.Token.PostAsync(new() { ClientId = "integrator", ClientSecret = Infrastructure.PortalAppFactory.DemoPassword });
        Assert.False(string.IsNullOrEmpty(token?.AccessToken));
        var bearer = new Microsoft.Kiota.Abstractions.Authentication.BaseBearerTokenAuthenticationProvider(new StaticToken(token!.AccessToken!));
        return new Generated.CredentialPortalClient(Adapter(bearer, http));
    }

    private static Microsoft.Kiota.Http.HttpClientLibrary.HttpClientRequestAdapter Adapter(Microsoft.Kiota.Abstractions.Authentication.IAuthenticationProvider auth, HttpClient http) =>
        new(auth, httpClient: http) { BaseUrl = http.BaseAddress!.ToString().TrimEnd('/') };

    private sealed class StaticToken(string token) : Microsoft.Kiota.Abstractions.Authentication.IAccessTokenProvider
    {
        public Microsoft.Kiota.Abstractions.Authentication.AllowedHostsValidator AllowedHostsValidator { get; } = new();
        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(token);
    }

    [Fact]
    public async Task The_source_documents_flow_runs_typed_through_the_generated_client()
    {
        var client = await SignedInClientAsync();
        var v1 = client.Verba.Restapi.V1;

        // List, with the total in its header.
        var headers = new Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options.HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        var targets = await v1.StorageTargets.GetAsync(c => { c.QueryParameters.Limit = 100; c.Options.Add(headers); });
        Assert.Contains(targets!, t => t.AmazonS3?.Id == 11);
        Assert.Equal(targets!.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(headers.ResponseHeaders["X-Total-Count"]));

        // Get: the entity as its type.
        var s3 = (await v1.StorageTargets["11"].GetAsync())!.AmazonS3;
        Assert.Equal("Amazon S3", s3!.Name);

        // PATCH each of the four seed entities with a typed body; the answer is the typed entity.
        var user = await v1.Users["16"].PatchAsync(new Generated.Models.Users.Patch { Password = NewPassword });
        Assert.Equal(16, user!.Id);
        var ldap = (await v1.AdSyncProfiles["13F72189-2EEB-425F-885B-7D1BBA83DDEB"].PatchAsync(
            new Generated.Models.AdSyncProfiles.Patch { UserName = "john.doe", LdapPassword = NewPassword }))!.Ldap;
        Assert.Equal("john.doe", ldap!.UserName);
        Assert.Equal(Guid.Parse("13F72189-2EEB-425F-885B-7D1BBA83DDEB"), ldap.Id);
        var amazon = (await v1.StorageTargets["11"].PatchAsync(
            new Generated.Models.StorageTargets.Patch { AccessKeyId = "amazons3_storage_keyid", SecretAccessKey = NewPassword }))!.AmazonS3;
        Assert.Equal("amazons3_storage_keyid", amazon!.AccessKeyId);
        Assert.Equal(Generated.Models.StorageTargets.Amazon_s3_objectLockMode.Compliance, amazon.ObjectLockMode);
        var zoom = (await v1.ImportSources["1"].PatchAsync(new Generated.Models.ImportSources.Patch { ApiKey = "zoom_api_key", ApiSecret = NewPassword }))!.ZoomPhones;
        Assert.Equal("zoom_api_key", zoom!.ApiKey);
        Assert.Equal(1, zoom.Id);

        // Verify: true for the value just set, false for another.
        Assert.True(await v1.Users["16"].Password.Verify.PostAsync(NewPassword));
        Assert.False(await v1.Users["16"].Password.Verify.PostAsync("not the password"));
        Assert.True(await v1.AdSyncProfiles["13F72189-2EEB-425F-885B-7D1BBA83DDEB"].Password.Verify.PostAsync(
            new() { Property = Generated.Models.AdSyncProfiles.Verify_property.LdapPassword, Value = NewPassword }));
        Assert.False(await v1.AdSyncProfiles["13F72189-2EEB-425F-885B-7D1BBA83DDEB"].Password.Verify.PostAsync(
            new() { Property = Generated.Models.AdSyncProfiles.Verify_property.LdapPassword, Value = "wrong" }));
        Assert.True(await v1.StorageTargets["11"].Password.Verify.PostAsync(
            new() { Property = Generated.Models.StorageTargets.Verify_property.SecretAccessKey, Value = NewPassword }));
        Assert.False(await v1.StorageTargets["11"].Password.Verify.PostAsync(
            new() { Property = Generated.Models.StorageTargets.Verify_property.SecretAccessKey, Value = "wrong" }));
        Assert.True(await v1.ImportSources["1"].Password.Verify.PostAsync(
            new() { Property = Generated.Models.ImportSources.Verify_property.ApiSecret, Value = NewPassword }));
        Assert.False(await v1.ImportSources["1"].Password.Verify.PostAsync(
            new() { Property = Generated.Models.ImportSources.Verify_property.ApiSecret, Value = "wrong" }));

        // A 400 is a typed problem: a property of another storage type, named in errors, with the stable code.
        var invalid = await Assert.ThrowsAsync<Generated.Models.Problem>(() => v1.StorageTargets["11"].PatchAsync(new() { Host = "sftp.example" }));
        Assert.Equal(400, invalid.ResponseStatusCode);
        Assert.Equal(400, invalid.Status);
        Assert.Equal("invalid", invalid.Code);
        Assert.Contains("host", invalid.Errors!.AdditionalData.Keys);

        // 412 on a stale If-Match: read the ETag, let someone else change the entity, then send the old one.
        var read = new Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options.HeadersInspectionHandlerOption { InspectResponseHeaders = true };
        await v1.StorageTargets["11"].GetAsync(c => c.Options.Add(read));
        var etag = Assert.Single(read.ResponseHeaders["ETag"]);
        await v1.StorageTargets["11"].PatchAsync(new() { AccessKeyId = "changed_meanwhile" });
        var stale = await Assert.ThrowsAsync<Generated.Models.Problem>(() =>
            v1.StorageTargets["11"].PatchAsync(new() { AccessKeyId = "based_on_old_read" }, c => c.Headers.Add("If-Match", etag)));
        Assert.Equal(412, stale.ResponseStatusCode);
        Assert.Equal("precondition_failed", stale.Code);
        Assert.Equal("changed_meanwhile", (await v1.StorageTargets["11"].GetAsync())!.AmazonS3!.AccessKeyId);
    }
}
