using System.Net;
using System.Text.Json.Nodes;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// Every request of the compatibility contract (docs/requirements.md §3), replayed verbatim (paths, ids, bodies, headers)
/// against the demo data, checking the answer and that the change took effect.
/// </summary>
public class SeedDocumentReplayTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private readonly PortalAppFactory factory = fixture.Factory;

    private Task<ApiSession> Vault() => ApiSession.SignInAsync(factory, "integrator", PortalAppFactory.DemoPassword);

    private static async Task<bool> VerifyAsync(ApiSession api, string path, string property, string value)
    {
        var response = await api.PostAsync(path, new JsonObject { ["property"] = property, ["value"] = value }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (bool)(await ApiSession.JsonAsync(response))!;
    }

    /// <summary>The documented verify call accepts the value just set and refuses the one it replaced.</summary>
    private static async Task AssertVerifiesOnlyAsync(ApiSession api, string path, string property, string current, string previous)
    {
        Assert.True(await VerifyAsync(api, path, property, current));
        Assert.False(await VerifyAsync(api, path, property, previous));
    }

    /// <summary>Sends a documented PATCH as printed (body verbatim, <c>Accept: application/json</c>) and expects 200.</summary>
    private static async Task<HttpResponseMessage> DocumentedPatchAsync(ApiSession api, string path, string body)
    {
        var response = await api.SendAsync(HttpMethod.Patch, path, body, configure: r => r.Headers.Accept.ParseAdd("application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response;
    }

    [Fact]
    public async Task User_password_patch_then_raw_body_verify()
    {
        var api = await Vault();
        Assert.Equal(HttpStatusCode.OK, (await api.PatchAsync("users/16", """{ "password": "an older plain password" }""")).StatusCode);

        // PATCH https://VFC_MR_DOMAIN/verba/restapi/v1/users/16
        var patch = await api.PatchAsync("/verba/restapi/v1/users/16", "{\n  \"password\": \"new plain password\"\n}");
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var user = await ApiSession.JsonAsync(patch);
        Assert.Equal(16, (int)user["id"]!);
        Assert.Equal("gabor.toth", (string)user["loginName"]!);
        Assert.Null(user["password"]);

        // POST https://VFC_MR_DOMAIN//verba/restapi/v1/users/16/password/verify  (double slash and raw body, as printed)
        async Task<bool> VerifyRaw(string body)
        {
            var uri = new Uri(api.Client.BaseAddress!.GetLeftPart(UriPartial.Authority) + "//verba/restapi/v1/users/16/password/verify");
            Assert.StartsWith("//verba", uri.AbsolutePath);
            var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body) };
            request.Content.Headers.ContentType = null;
            var response = await api.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return bool.Parse(await response.Content.ReadAsStringAsync());
        }
        Assert.True(await VerifyRaw("new plain password"));
        Assert.False(await VerifyRaw("an older plain password"));
    }

    [Fact]
    public async Task Ad_sync_profile_patch_returns_the_documented_entity_and_verifies()
    {
        var api = await Vault();
        const string path = "/verba/restapi/v1/adSyncProfiles/13F72189-2EEB-425F-885B-7D1BBA83DDEB";
        await api.PatchAsync(path, """{ "ldapPassword": "the previous ldap password" }""");

        var response = await DocumentedPatchAsync(api, path, """
            {
              "userName": "john.doe",
              "ldapPassword": "new plain password"
            }
            """);
        var expected = JsonNode.Parse("""
            {
              "host": "ldap host",
              "port": 1234,
              "userName": "john.doe",
              "id": "13F72189-2EEB-425F-885B-7D1BBA83DDEB",
              "description": "LDAP AD Synchronization Profile description",
              "enabled": true,
              "type": "ldap"
            }
            """)!.AsObject();
        var actual = (await ApiSession.JsonAsync(response)).AsObject();
        foreach (var (name, value) in expected)
        {
            Assert.True(JsonNode.DeepEquals(value, actual[name]), $"{name}: expected {value}, got {actual[name]}");
        }
        Assert.Null(actual["ldapPassword"]);

        await AssertVerifiesOnlyAsync(api, path + "/password/verify", "ldapPassword", "new plain password", "the previous ldap password");
    }

    [Fact]
    public async Task Storage_target_patch_returns_exactly_the_documented_entity_and_verifies()
    {
        var api = await Vault();
        await api.PatchAsync("storageTargets/11", """{ "secretAccessKey": "the previous secret" }""");

        var response = await DocumentedPatchAsync(api, "/verba/restapi/v1/storageTargets/11", """
            {
              "accessKeyId": "amazons3_storage_keyid",
              "secretAccessKey": "new plain password"
            }
            """);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {
              "bucket": "bucket name",
              "region": "region",
              "objectLockEnabled": true,
              "objectLockMode": "compliance",
              "accessKeyId": "amazons3_storage_keyid",
              "id": 11,
              "name": "Amazon S3",
              "type": "amazon_s3"
            }
            """), await ApiSession.JsonAsync(response)));
        Assert.NotNull(response.Headers.ETag);

        await AssertVerifiesOnlyAsync(api, "/verba/restapi/v1/storageTargets/11/password/verify", "secretAccessKey", "new plain password", "the previous secret");
        var reread = await ApiSession.JsonAsync(await api.GetAsync("storageTargets/11"));
        Assert.Equal("amazons3_storage_keyid", (string)reread["accessKeyId"]!);
    }

    [Fact]
    public async Task Import_source_patch_returns_exactly_the_documented_entity_and_verifies()
    {
        var api = await Vault();
        await api.PatchAsync("importSources/1", """{ "apiSecret": "the previous api secret" }""");

        var response = await DocumentedPatchAsync(api, "/verba/restapi/v1/importSources/1", """
            {
              "apiKey": "zoom_api_key",
              "apiSecret": "new plain password"
            }
            """);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {
              "authType": "jwt",
              "apiKey": "zoom_api_key",
              "forwardProxyAddress": "proxy address",
              "forwardProxyPort": 1111,
              "forwardProxyUser": "zoom_proxyuser",
              "apiAddress": "https://api.zoom.us/v2/",
              "id": 1,
              "name": "Zoom Phone import",
              "type": "zoom_phones"
            }
            """), SortedCopy(await ApiSession.JsonAsync(response), "authType,apiKey,forwardProxyAddress,forwardProxyPort,forwardProxyUser,apiAddress,id,name,type")));

        await AssertVerifiesOnlyAsync(api, "/verba/restapi/v1/importSources/1/password/verify", "apiSecret", "new plain password", "the previous api secret");
    }

    /// <summary>DeepEquals compares object properties in order; reorder to the document's order first.</summary>
    private static JsonObject SortedCopy(JsonNode node, string order)
    {
        var source = node.AsObject();
        var copy = new JsonObject();
        foreach (var name in order.Split(',')) copy[name] = source[name]?.DeepClone();
        Assert.Equal(order.Split(',').Order(), source.Select(p => p.Key).Order());
        return copy;
    }
}
