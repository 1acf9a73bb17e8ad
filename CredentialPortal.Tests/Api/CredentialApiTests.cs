using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Api;

/// <summary>The v1 API's contract beyond the documented happy path (docs/design.md §4): every 4xx, permissions, tokens, ETags, lockout, leaks.</summary>
public class CredentialApiTests : IClassFixture<CredentialApiTests.Host>
{
    public sealed class Host : IDisposable
    {
        public ManualClock Clock { get; } = new();
        public PortalAppFactory Factory { get; }
        public Host() => Factory = new PortalAppFactory(services: s => s.AddSingleton<TimeProvider>(Clock));
        public void Dispose() => Factory.Dispose();
    }

    private readonly Host host;
    private PortalAppFactory Factory => host.Factory;

    public CredentialApiTests(Host host) => this.host = host;

    private Task<ApiSession> As(string login) =>
        ApiSession.SignInAsync(Factory, login, login == "admin" ? PortalAppFactory.AdminPassword : PortalAppFactory.DemoPassword);

    private static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string? containing = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains($"\"status\":{(int)status}", body);
        Assert.DoesNotContain("   at ", body); // no stack trace
        if (containing is not null) Assert.Contains(containing, body);
    }

    [Fact]
    public async Task Tokens_come_from_json_or_form_and_bad_credentials_get_one_answer()
    {
        var client = Factory.CreateClient();
        var json = await ApiSession.RequestTokenAsync(client, "integrator", PortalAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        var token = await ApiSession.JsonAsync(json);
        Assert.Equal("Bearer", (string)token["token_type"]!);
        Assert.Equal(3600, (long)token["expires_in"]!);
        Assert.False(string.IsNullOrEmpty((string?)token["refresh_token"]));

        var form = await client.PostAsync($"{ApiSession.Base}/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = "auditor", ["client_secret"] = PortalAppFactory.DemoPassword,
        }));
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);

        var refreshed = await client.PostAsJsonAsync($"{ApiSession.Base}/auth/token", new { refresh_token = (string)token["refresh_token"]! });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.NotEqual((string)token["access_token"]!, (string)(await ApiSession.JsonAsync(refreshed))["access_token"]!);

        var wrong = await ApiSession.RequestTokenAsync(client, "integrator", "not the password");
        var unknown = await ApiSession.RequestTokenAsync(client, "nobody", "not the password");
        await AssertProblem(wrong, HttpStatusCode.Unauthorized);
        await AssertProblem(unknown, HttpStatusCode.Unauthorized);
        var detail = (string?)(await ApiSession.JsonAsync(wrong))["detail"];
        Assert.Equal(detail, (string?)(await ApiSession.JsonAsync(unknown))["detail"]);
        await AssertProblem(await client.PostAsJsonAsync($"{ApiSession.Base}/auth/token", new { client_id = "x" }), HttpStatusCode.BadRequest);
        await AssertProblem(await client.PostAsJsonAsync($"{ApiSession.Base}/auth/token", new { refresh_token = "forged" }), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Without_a_valid_bearer_token_nothing_opens_and_the_portal_cookie_does_not_count()
    {
        var anonymous = Factory.CreateClient(new() { AllowAutoRedirect = false });
        await AssertProblem(await anonymous.GetAsync($"{ApiSession.Base}/storageTargets"), HttpStatusCode.Unauthorized);
        var forged = new HttpRequestMessage(HttpMethod.Get, $"{ApiSession.Base}/users/16");
        forged.Headers.Authorization = new("Bearer", "not-a-token");
        await AssertProblem(await anonymous.SendAsync(forged), HttpStatusCode.Unauthorized);

        var portal = await PortalForms.SignedInClientAsync(Factory, "admin", PortalAppFactory.AdminPassword);
        await AssertProblem(await portal.GetAsync($"{ApiSession.Base}/storageTargets"), HttpStatusCode.Unauthorized);

        // And the API token does not open the portal.
        var api = await As("admin");
        var page = await api.Client.GetAsync("/storage-targets");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/account/login", page.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Lists_page_filter_and_count()
    {
        var api = await As("auditor");
        var response = await api.GetAsync("storageTargets?offset=1&limit=2");
        Assert.Equal("4", response.Headers.GetValues("X-Total-Count").Single());
        var items = (await ApiSession.JsonAsync(response)).AsArray();
        Assert.Equal([12, 13], items.Select(i => (int)i!["id"]!));
        Assert.Equal("azure_blob", (string)items[0]!["type"]!);

        var sftp = (await ApiSession.JsonAsync(await api.GetAsync("storageTargets?type=sftp"))).AsArray();
        Assert.Equal(13, (int)Assert.Single(sftp)!["id"]!);
        var search = (await ApiSession.JsonAsync(await api.GetAsync("users?search=T%C3%B3th"))).AsArray();
        Assert.Equal(16, (int)Assert.Single(search)!["id"]!);

        await AssertProblem(await api.GetAsync("storageTargets?type=floppy"), HttpStatusCode.BadRequest, "amazon_s3");
        await AssertProblem(await api.GetAsync("storageTargets?limit=1001"), HttpStatusCode.BadRequest);
        await AssertProblem(await api.GetAsync("storageTargets?offset=-1"), HttpStatusCode.BadRequest);
        await AssertProblem(await api.GetAsync("storageTargets?limit=abc"), HttpStatusCode.BadRequest);
        await AssertProblem(await api.GetAsync("storageTargets/999"), HttpStatusCode.NotFound);
        await AssertProblem(await api.GetAsync("storageTargets/..%2F..%2Fusers"), HttpStatusCode.NotFound);
        await AssertProblem(await api.GetAsync("adSyncProfiles/11"), HttpStatusCode.NotFound);
        await AssertProblem(await api.GetAsync("noSuchResource"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_errors_name_each_property_and_change_nothing()
    {
        var api = await As("integrator");
        var before = await (await api.GetAsync("storageTargets/13")).Content.ReadAsStringAsync();

        var response = await api.PatchAsync("storageTargets/13", """{ "host": "good.example.com", "port": "22", "name": "x", "colour": "red" }""");
        await AssertProblem(response, HttpStatusCode.BadRequest);
        var errors = (await ApiSession.JsonAsync(response))["errors"]!.AsObject();
        Assert.Equal(["colour", "name", "port"], errors.Select(e => e.Key).Order()); // path became editable (issue 19); name is read-only
        Assert.Equal(before, await (await api.GetAsync("storageTargets/13")).Content.ReadAsStringAsync());

        var policy = await api.PatchAsync("users/16", """{ "password": "gabor.toth", "loginName": "someone" }""");
        await AssertProblem(policy, HttpStatusCode.BadRequest);
        var body = await ApiSession.JsonAsync(policy);
        Assert.Equal(2, body["errors"]!["password"]!.AsArray().Count); // too short, contains the login name
        Assert.Contains("password.too_short", body["codes"]!.AsArray().Select(c => (string)c!));
        Assert.NotNull(body["errors"]!["loginName"]);

        await AssertProblem(await api.PatchAsync("users/17", """{ "password": "a perfectly fine password" }"""), HttpStatusCode.BadRequest, "Active Directory");
        await AssertProblem(await api.PatchAsync("storageTargets/13", "host=x", "text/plain"), HttpStatusCode.UnsupportedMediaType);
        await AssertProblem(await api.PatchAsync("storageTargets/13", """{ "host": "x" """), HttpStatusCode.BadRequest, "not valid JSON");
        await AssertProblem(await api.PatchAsync("storageTargets/13", """{ "host": "a.example", "host": "b.example" }"""), HttpStatusCode.BadRequest);
        await AssertProblem(await api.PatchAsync("storageTargets/13", "[1,2]"), HttpStatusCode.BadRequest, "JSON object");
        await AssertProblem(await api.PatchAsync("storageTargets/13", ""), HttpStatusCode.BadRequest);
        await AssertProblem(await api.PatchAsync("storageTargets/13", new string('[', 200) + new string(']', 200)), HttpStatusCode.BadRequest);
        await AssertProblem(await api.PatchAsync("storageTargets/13", $$"""{ "host": "{{new string('a', 1_000_000)}}" }"""), HttpStatusCode.RequestEntityTooLarge);

        var merge = await api.PatchAsync("storageTargets/13", """{ "port": 2222 }""", "application/merge-patch+json");
        Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        Assert.Equal(2222, (int)(await ApiSession.JsonAsync(merge))["port"]!);
    }

    [Fact]
    public async Task If_match_lets_exactly_one_of_concurrent_writers_win()
    {
        var api = await As("integrator");
        var etag = (await api.GetAsync("storageTargets/12")).Headers.ETag!.Tag;

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            api.SendAsync(HttpMethod.Patch, "storageTargets/12", $$"""{ "accountName": "account{{i}}" }""",
                configure: r => r.Headers.IfMatch.ParseAdd(etag))));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed));
        var winner = responses.Single(r => r.StatusCode == HttpStatusCode.OK);
        var current = await api.GetAsync("storageTargets/12");
        Assert.Equal(winner.Headers.ETag!.Tag, current.Headers.ETag!.Tag);
        Assert.NotEqual(etag, current.Headers.ETag.Tag);
    }

    [Fact]
    public async Task Roles_limit_what_each_caller_may_do()
    {
        var helpdesk = await As("helpdesk");
        Assert.Equal(HttpStatusCode.OK, (await helpdesk.GetAsync("users/16")).StatusCode);
        await AssertProblem(await helpdesk.GetAsync("storageTargets"), HttpStatusCode.Forbidden);
        await AssertProblem(await helpdesk.PatchAsync("users/15", """{ "displayName": "Renamed" }"""), HttpStatusCode.Forbidden, "displayName");
        Assert.Equal(HttpStatusCode.OK, (await helpdesk.PatchAsync("users/15", """{ "password": "helpdesk reset value" }""")).StatusCode);
        Assert.Equal("true", await (await helpdesk.PostAsync("users/15/password/verify", "helpdesk reset value", "text/plain")).Content.ReadAsStringAsync());

        var auditor = await As("auditor");
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync("importSources/1")).StatusCode);
        await AssertProblem(await auditor.PatchAsync("importSources/1", """{ "apiKey": "x" }"""), HttpStatusCode.Forbidden);
        await AssertProblem(await auditor.PostAsync("importSources/1/password/verify", """{ "property": "apiSecret", "value": "x" }"""), HttpStatusCode.Forbidden);

        var integrator = await As("integrator");
        await AssertProblem(await integrator.PostAsync("importSources/1/password/verify", """{ "property": "apiKey", "value": "x" }"""), HttpStatusCode.BadRequest, "apiSecret");
        await AssertProblem(await integrator.PostAsync("importSources/1/password/verify", """{ "property": "apiSecret" }"""), HttpStatusCode.BadRequest);
        Assert.Equal("false", await (await integrator.PostAsync("users/16/password/verify", "\"a json string\"")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_password_change_revokes_that_users_tokens_at_once()
    {
        var admin = await As("admin");
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync("users/10", """{ "password": "anna first password" }""")).StatusCode);
        var anna = await ApiSession.SignInAsync(Factory, "anna.kovacs", "anna first password");
        // Her token is accepted (a role-less account is then refused by role, not by token).
        await AssertProblem(await anna.GetAsync("users/16"), HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync("users/10", """{ "password": "anna second password" }""")).StatusCode);

        await AssertProblem(await anna.GetAsync("users/16"), HttpStatusCode.Unauthorized, "no longer valid");
        var renewed = await ApiSession.SignInAsync(Factory, "anna.kovacs", "anna second password");
        await AssertProblem(await renewed.GetAsync("users/16"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Failed_verifications_lock_the_caller_out_of_every_request_until_the_period_ends()
    {
        var auditorForLockout = await As("admin");
        for (var i = 0; i < 5; i++)
        {
            var response = await auditorForLockout.PostAsync("storageTargets/14/password/verify", $$"""{ "property": "password", "value": "guess {{i}}" }""");
            Assert.Equal("false", await response.Content.ReadAsStringAsync());
        }
        var unrelated = await auditorForLockout.GetAsync("importSources");
        await AssertProblem(unrelated, HttpStatusCode.TooManyRequests, "Locked out");
        var retryAfter = int.Parse(unrelated.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 14 * 60, 15 * 60);

        host.Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(HttpStatusCode.OK, (await auditorForLockout.GetAsync("importSources")).StatusCode);
    }

    [Fact]
    public async Task No_response_body_ever_contains_a_secret()
    {
        var api = await As("integrator");
        const string marker = "LEAK-MARKER-7f3e9a";
        await api.PatchAsync("storageTargets/11", $$"""{ "secretAccessKey": "{{marker}}-s3" }""");
        await api.PatchAsync("importSources/3", $$"""{ "refreshToken": "{{marker}}-webex", "clientId": 5 }""");
        await api.PatchAsync("users/14", $$"""{ "password": "{{marker}}-user-password" }""");
        await api.PostAsync("storageTargets/11/password/verify", $$"""{ "property": "secretAccessKey", "value": "{{marker}}-s3" }""");
        foreach (var resource in new[] { "users", "adSyncProfiles", "storageTargets", "importSources" })
        {
            foreach (var item in (await ApiSession.JsonAsync(await api.GetAsync($"{resource}?limit=1000"))).AsArray())
            {
                await api.GetAsync($"{resource}/{item!["id"]}");
            }
        }
        string[] bodies;
        lock (ApiSession.AllBodies) bodies = ApiSession.AllBodies.ToArray();
        Assert.True(bodies.Length > 20);
        Assert.DoesNotContain(bodies, b => b.Contains(marker));
        Assert.DoesNotContain(bodies, b => b.Contains("PasswordHash") || b.Contains("AQAAAA") || b.Contains("CfDJ8"));

        // Request logs carry neither bodies nor the Authorization header.
        var logs = Factory.Logs.Text;
        Assert.DoesNotContain(marker, logs);
        Assert.DoesNotContain(api.Client.DefaultRequestHeaders.Authorization!.Parameter!, logs);
        Assert.DoesNotContain(PortalAppFactory.DemoPassword, logs);
    }

    [Fact]
    public async Task Changes_through_the_api_are_audited_with_door_api_or_cli()
    {
        var api = await As("integrator");
        await api.PatchAsync("adSyncProfiles/8E2C4B9A-1F37-4D6E-A5C0-7B9D3E1F2A44", """{ "clientSecret": "rotated by the vault" }""");
        await api.SendAsync(HttpMethod.Patch, "adSyncProfiles/8E2C4B9A-1F37-4D6E-A5C0-7B9D3E1F2A44", """{ "clientSecret": "rotated by the cli" }""",
            configure: r => r.Headers.Add("X-Credential-Client", "unify"));

        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CredentialPortal.Data.PortalDbContext>();
        var records = db.AuditRecords.Where(r => r.EntityId == "8E2C4B9A-1F37-4D6E-A5C0-7B9D3E1F2A44" && r.ActorName == "integrator").OrderBy(r => r.Sequence).ToList();
        Assert.Equal(["API", "CLI"], records.Select(r => r.Door.ToString()));
        Assert.All(records, r => Assert.Equal("clientSecret", r.Properties));
    }
}

public class OpenApiDocumentTests(CredentialApiTests.Host host) : IClassFixture<CredentialApiTests.Host>
{
    [Fact]
    public async Task The_document_describes_every_catalog_type_with_write_only_secrets()
    {
        var response = await host.Factory.CreateClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/verba/restapi/v1/storageTargets/{id}", paths);
        Assert.Contains("/verba/restapi/v1/users/{id}/password/verify", paths);
        Assert.Contains("/verba/restapi/v1/auth/token", paths);
        Assert.DoesNotContain(paths, p => !p.StartsWith("/verba/restapi/v1/", StringComparison.Ordinal));

        var s3 = document["components"]!["schemas"]!["storageTargets.amazon_s3"]!["properties"]!;
        Assert.True((bool)s3["secretAccessKey"]!["writeOnly"]!);
        Assert.True((bool)s3["bucket"]!["readOnly"]!);
        Assert.Null(s3["accessKeyId"]!["readOnly"]);
        Assert.Equal(["compliance", "governance"], s3["objectLockMode"]!["enum"]!.AsArray().Select(v => (string)v!));
        foreach (var type in CredentialPortal.Domain.Catalog.EntityCatalog.Resources.SelectMany(r => r.Types))
        {
            Assert.NotNull(document["components"]!["schemas"]![$"{type.Resource.Name}.{type.Name}"]);
        }
    }
}

public class ApiRateLimitTests
{
    [Fact]
    public async Task The_token_endpoint_is_rate_limited_per_client()
    {
        using var factory = new PortalAppFactory(overrides: new Dictionary<string, string?> { ["Api:TokenRequestsPerMinute"] = "3" });
        var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await ApiSession.RequestTokenAsync(client, "integrator", "wrong password " + i)).StatusCode);
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized,
            HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var limited = await ApiSession.RequestTokenAsync(client, "integrator", PortalAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.Contains("Retry-After"));
    }
}
