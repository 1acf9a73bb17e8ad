using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Data.Seeding;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// A corpus of hostile input against every REST endpoint: every answer is a 4xx problem-details document (no 500,
/// no stack trace) and no table but the audit log changes. The endpoints come from the app's own route table, so a
/// new endpoint is fed the structural corpus (bodies, ids, queries) without a change here; the field-level cases
/// (wrong types, nulls, unknown enum values) depend on each endpoint's contract and are listed by hand.
/// </summary>
public class HostileInputTests
{
    private const string Base = ApiSession.Base;
    private static readonly string OneMegabyte = new('a', 1024 * 1024);

    /// <summary>One request of the corpus: what is sent and why, for the failure report.</summary>
    private sealed record Probe(string Case, HttpMethod Method, string Path, byte[]? Body = null, string? ContentType = "application/json",
        string? Authorization = null, HttpContent? Content = null);

    /// <summary>An endpoint of the route table: method and pattern, e.g. PATCH /verba/restapi/v1/users/{id}.</summary>
    private sealed record ApiEndpoint(string Method, string Pattern, string QueryParameters = "")
    {
        public IReadOnlyList<string> Parameters =>
            System.Text.RegularExpressions.Regex.Matches(Pattern, @"\{([^}:]+)(:[^}]+)?\}").Select(m => m.Groups[1].Value).ToList();

        public string Fill(IReadOnlyDictionary<string, string> values) =>
            System.Text.RegularExpressions.Regex.Replace(Pattern, @"\{([^}:]+)(:[^}]+)?\}", m => values[m.Groups[1].Value]);

        /// <summary>POST, PUT and PATCH read a body, except those listed as taking none.</summary>
        public bool ReadsBody => Method is "POST" or "PUT" or "PATCH" && !BodylessWrites.Contains($"{Method} {Pattern}");

        public override string ToString() => $"{Method} {Pattern}";
    }

    /// <summary>Writes that take no body: the structural body corpus would be ignored, so only their ids and queries are probed.</summary>
    private static readonly HashSet<string> BodylessWrites =
    [
        $"POST {Base}/servers/{{name}}/configurationTasks",
        $"POST {Base}/adSyncProfiles/{{id}}/connection/test",
        $"POST {Base}/storageTargets/{{id}}/connection/test",
        $"POST {Base}/importSources/{{id}}/connection/test",
    ];

    /// <summary>
    /// A valid value per route parameter that has no collection to discover it from (GET of the path before the
    /// parameter answers an array whose items carry the parameter, e.g. /users → id).
    /// </summary>
    private static readonly Dictionary<string, string> FixedRouteValues = new()
    {
        ["org"] = DemoData.DefaultOrgId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["user"] = "machine-user-1001",
        ["taskId"] = "1",
    };

    /// <summary>Query values that put an endpoint's body in reach (a setting of type number, so a string is a wrong type).</summary>
    private static readonly Dictionary<string, string> Queries = new()
    {
        ["/configuration"] = "?settingPath=" + Uri.EscapeDataString(@"\Verba\Recorder\MaxCallLengthSeconds"),
    };

    /// <summary>
    /// Ids that are not ids, for every route parameter (percent-encoded as sent). Not NUL: a path with %00 never
    /// reaches the app (Kestrel refuses it with a bare 400 while parsing the request line; the test server throws).
    /// </summary>
    private static readonly string[] HostileIds =
    [
        "..%2F..%2Fusers", "..%5C..%5Cwindows", "12345678901234567890", "-1", "0", "1.5", "1e3", "0x10",
        "%2016", "+16", Guid.NewGuid().ToString(), "%27%20OR%20%271%27%3D%271", "%25", "_", "*", "%C3%28", "%F0%9F%92%A9", new string('9', 5000),
    ];

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Bodies no endpoint may accept: the structure itself is wrong.</summary>
    private static IEnumerable<(string Case, byte[] Body, string ContentType)> StructuralBodies()
    {
        const string json = "application/json";
        yield return ("empty body", [], json);
        yield return ("whitespace body", Utf8(" \r\n\t "), json);
        yield return ("JSON null", Utf8("null"), json);
        yield return ("JSON array", Utf8("[1, 2]"), json);
        yield return ("JSON true", Utf8("true"), json);
        yield return ("20-digit number", Utf8("12345678901234567890"), json);
        yield return ("number out of double range", Utf8("1e400"), json);
        yield return ("truncated JSON", Utf8("""{ "password": """), json);
        yield return ("NaN literal", Utf8("""{ "port": NaN }"""), json);
        yield return ("JSON with a comment", Utf8("""/* x */ { "a": 1 }"""), json);
        yield return ("trailing comma", Utf8("""{ "a": 1, }"""), json);
        yield return ("1 MB string", Utf8($$"""{ "password": "{{OneMegabyte}}", "value": "{{OneMegabyte}}" }"""), json);
        yield return ("1 MB plain text", Utf8(OneMegabyte), "text/plain");
        yield return ("nested arrays 10 000 deep", Utf8(new string('[', 10_000) + new string(']', 10_000)), json);
        yield return ("nested objects 1 000 deep", Utf8(string.Concat(Enumerable.Repeat("""{"a":""", 1000)) + "1" + new string('}', 1000)), json);
        yield return ("duplicate keys", Utf8("""{ "password": "first value 1", "password": "second value 2", "value": "a", "value": "b" }"""), json);
        yield return ("invalid UTF-8 in JSON", [.. Utf8("""{ "password": " """), 0xC3, 0x28, 0xFF, .. Utf8("\" }")], json);
        yield return ("invalid UTF-8 as plain text", [0xFF, 0xFE, 0xC3, 0x28], "text/plain; charset=utf-8");
        yield return ("NUL escaped in JSON strings", Utf8("""{ "password": "a\u0000b", "value": "\u0000", "name": "x\u0000" }"""), json);
        yield return ("NUL in a property name", Utf8("""{ "pass\u0000word": "a long enough password" }"""), json);
        yield return ("NUL in plain text", Utf8("a plausible\0password"), "text/plain");
        yield return ("UTF-16 body labelled UTF-8", Encoding.Unicode.GetBytes("""{ "a": 1 }"""), json);
        yield return ("every property an array", Utf8(WrongTypes("[1]")), json);
        yield return ("every property an object", Utf8(WrongTypes("""{"a":1}""")), json);
    }

    /// <summary>Every property name the API knows, each with a value of a type none of them takes.</summary>
    private static string WrongTypes(string value) =>
        "{" + string.Join(",", KnownPropertyNames.Select(p => $"\"{p}\":{value}")) + "}";

    private static readonly string[] KnownPropertyNames =
    [
        "client_id", "client_secret", "refresh_token", "password", "displayName", "email", "name", "role", "accountId", "property", "value",
        "host", "port", "type", "id", "publicKey", "values", "succeeded", "message", "path", "use",
    ];

    /// <summary>Field-level cases: a well-formed body whose values break a particular endpoint's contract.</summary>
    private static IEnumerable<(string Case, string Method, string Path, string Body)> ContractBreakingBodies()
    {
        var number = Queries["/configuration"];
        var secret = "?settingPath=" + Uri.EscapeDataString(DemoData.TlsKeyPassPath);
        var text = "?settingPath=" + Uri.EscapeDataString(@"\Verba\Email Settings\SMTPServer");
        (string, string)[] token =
        [
            ("client id a number", """{ "client_id": 16, "client_secret": "x" }"""),
            ("client id and secret null", """{ "client_id": null, "client_secret": null }"""),
            ("client id an array", """{ "client_id": ["admin"], "client_secret": "x" }"""),
            ("client secret an object", """{ "client_id": "admin", "client_secret": { "a": 1 } }"""),
            ("refresh token a number", """{ "refresh_token": 5 }"""),
            ("refresh token garbage", """{ "refresh_token": "../%00\u0000CfDJ8" }"""),
            ("SQL in the client id", """{ "client_id": "' OR '1'='1' --", "client_secret": "x" }"""),
            ("LIKE pattern as client id", """{ "client_id": "%", "client_secret": "x" }"""),
            ("NUL in the client id", """{ "client_id": "adm\u0000in", "client_secret": "x" }"""),
            ("client id of 60 000 characters", $$"""{ "client_id": "{{new string('x', 60_000)}}", "client_secret": "x" }"""),
        ];
        foreach (var (name, body) in token) yield return ("token: " + name, "POST", "auth/token", body);

        (string, string)[] user =
        [
            ("displayName a number", """{ "displayName": 5 }"""),
            ("email an array", """{ "email": ["a@example.com"] }"""),
            ("password null", """{ "password": null }"""),
            ("password a number", """{ "password": 123456789012345 }"""),
            ("displayName null", """{ "displayName": null }"""),
            ("displayName of 10 000 characters", $$"""{ "displayName": "{{new string('d', 10_000)}}" }"""),
            ("displayName with NUL", """{ "displayName": "Gábor\u0000Tóth" }"""),
            ("read-only id", """{ "id": 99 }"""),
            ("read-only loginName", """{ "loginName": "someone.else" }"""),
            ("enabled a string", """{ "enabled": "yes" }"""),
            ("valid name, invalid email (all or nothing)", """{ "displayName": "Changed by a refused request", "email": ["x"] }"""),
        ];
        foreach (var (name, body) in user) yield return ("user patch: " + name, "PATCH", $"users/{DemoData.SeedUserId}", body);

        (string, string, string)[] connectors =
        [
            ("valid host, invalid port (all or nothing)", "storageTargets/13", """{ "host": "changed.example.com", "port": "x" }"""),
            ("valid secret, invalid host (all or nothing)", "storageTargets/13", """{ "password": "a new secret value", "host": 5 }"""),
            ("port out of int range", "storageTargets/13", """{ "port": 99999999999 }"""),
            ("port out of double range", "storageTargets/13", """{ "port": 1e400 }"""),
            ("port a fraction", "storageTargets/13", """{ "port": 22.5 }"""),
            ("port null", "storageTargets/13", """{ "port": null }"""),
            ("port a string", "storageTargets/13", """{ "port": "22" }"""),
            ("host a number", "storageTargets/13", """{ "host": 5 }"""),
            ("host null", "storageTargets/13", """{ "host": null }"""),
            ("host of 10 000 characters", "storageTargets/13", $$"""{ "host": "{{new string('h', 10_000)}}" }"""),
            ("secret a number", "storageTargets/13", """{ "password": 5 }"""),
            ("secret null", "storageTargets/13", """{ "password": null }"""),
            ("secret an object", "storageTargets/13", """{ "password": { "value": "x" } }"""),
            ("type changed", "storageTargets/13", """{ "type": "smb" }"""),
            ("unknown enum value", $"storageTargets/{DemoData.SeedStorageTargetId}", """{ "objectLockMode": "sometimes" }"""),
            ("enum value a number", $"storageTargets/{DemoData.SeedStorageTargetId}", """{ "objectLockMode": 1 }"""),
            ("unknown auth type", $"importSources/{DemoData.SeedImportSourceId}", """{ "authType": "kerberos" }"""),
            ("proxy port negative", $"importSources/{DemoData.SeedImportSourceId}", """{ "forwardProxyPort": -1 }"""),
            ("proxy port above 65535", $"importSources/{DemoData.SeedImportSourceId}", """{ "forwardProxyPort": 70000 }"""),
        ];
        foreach (var (name, path, body) in connectors) yield return ("connector patch: " + name, "PATCH", path, body);

        (string, string)[] verify =
        [
            ("property a number", """{ "property": 5, "value": "x" }"""),
            ("value null", """{ "property": "password", "value": null }"""),
            ("value an array", """{ "property": "password", "value": ["x"] }"""),
            ("property a path", """{ "property": "../password", "value": "x" }"""),
            ("property not a secret", """{ "property": "host", "value": "x" }"""),
            ("property with NUL", """{ "property": "password\u0000", "value": "x" }"""),
        ];
        foreach (var (name, body) in verify) yield return ("connector verify: " + name, "POST", "storageTargets/13/password/verify", body);
        yield return ("user verify: JSON object", "POST", $"users/{DemoData.SeedUserId}/password/verify", """{ "password": "x" }""");

        (string, string)[] machine =
        [
            ("unknown role", """{ "role": "Overlord" }"""),
            ("role a number", """{ "role": 1 }"""),
            ("account id of 20 digits", """{ "accountId": 12345678901234567890 }"""),
            ("account id of 20 digits as text", """{ "accountId": "12345678901234567890" }"""),
            ("account id out of double range", """{ "accountId": 1e400 }"""),
            ("account id a fraction", """{ "accountId": 1.5 }"""),
            ("account id negative", """{ "accountId": -5 }"""),
            ("account id a GUID", $$"""{ "accountId": "{{Guid.NewGuid()}}" }"""),
            ("name a number", """{ "name": 5 }"""),
            ("name a path", """{ "name": "../../etc/passwd" }"""),
            ("name with NUL", """{ "name": "robot\u0000" }"""),
            ("name of 1 000 characters", $$"""{ "name": "{{new string('n', 1000)}}" }"""),
            ("password an array", """{ "password": ["x"] }"""),
            ("password too short", """{ "password": "short" }"""),
        ];
        foreach (var (name, body) in machine) yield return ("machine user: " + name, "POST", $"orgs/{DemoData.DefaultOrgId}/machineUsers", body);

        (string, string)[] machinePassword =
        [
            ("password null", """{ "password": null }"""),
            ("password a number", """{ "password": 5 }"""),
            ("password empty", """{ "password": "" }"""),
            ("password too short", """{ "password": "short" }"""),
            ("no password", """{ "secret": "a long enough password" }"""),
        ];
        foreach (var (name, body) in machinePassword) yield return ("machine password: " + name, "PUT", "machineUsers/machine-user-1001/password", body);

        (string, string, string)[] values =
        [
            ("string for a number setting", number, "\"ten\""),
            ("20-digit number for a number setting", number, "12345678901234567890"),
            ("fraction for a number setting", number, "1.5"),
            ("number out of double range", number, "1e400"),
            ("object for a number setting", number, """{ "value": 10 }"""),
            ("empty secret", secret, "\"\""),
            ("text of 5 000 characters", text, $"\"{new string('t', 5000)}\""),
            ("text with NUL", text, "\"smtp\\u0000.example.com\""),
            ("unknown setting path", "?settingPath=" + Uri.EscapeDataString(@"\Verba\..\..\Nothing"), "1"),
            ("setting path with NUL", "?settingPath=%00", "1"),
            ("no setting path", "", "1"),
        ];
        foreach (var (name, query, body) in values)
        {
            yield return ("server value: " + name, "PUT", "servers/rec01/configuration" + query, body);
            yield return ("profile value: " + name, "PUT", $"configurationProfiles/{DemoData.RecordingServersProfileId}/configuration" + query, body);
        }

        (string, string)[] resolve =
        [
            ("empty list", "[]"),
            ("path a number", """[{ "path": 5, "use": "db" }]"""),
            ("unknown choice", """[{ "path": "\\Verba\\Email Settings\\SMTPServer", "use": "both" }]"""),
            ("null item", "[null]"),
            ("object instead of list", """{ "path": "x", "use": "db" }"""),
        ];
        foreach (var (name, body) in resolve) yield return ("resolve: " + name, "POST", "servers/rec01/configurationDifferences/resolve", body);

        (string, string)[] report =
        [
            ("key a number", """{ "publicKey": 5, "values": {} }"""),
            ("key not base64", """{ "publicKey": "not base64!", "values": {} }"""),
            ("key base64 but not a key", """{ "publicKey": "AAAA", "values": {} }"""),
            ("values a list", """{ "publicKey": "AAAA", "values": [] }"""),
            ("value a number", """{ "publicKey": "AAAA", "values": { "\\Verba\\Email Settings\\SMTPServer": 5 } }"""),
            ("value with NUL", """{ "publicKey": "AAAA", "values": { "\\Verba\\Email Settings\\SMTPServer": "smtp\u0000" } }"""),
        ];
        foreach (var (name, body) in report) yield return ("agent report: " + name, "PUT", "servers/rec01/agent/registry", body);

        (string, string)[] complete =
        [
            ("succeeded a string", """{ "succeeded": "yes" }"""),
            ("succeeded null", """{ "succeeded": null }"""),
            ("succeeded a number", """{ "succeeded": 1 }"""),
        ];
        foreach (var (name, body) in complete) yield return ("agent complete: " + name, "POST", "servers/rec01/agent/tasks/1", body);
    }

    /// <summary>Query strings: out-of-range paging, unknown types, and search text full of SQL and LIKE metacharacters.</summary>
    private static readonly string[] HostileQueries =
    [
        "?offset=12345678901234567890", "?limit=12345678901234567890", "?offset=-1", "?limit=0", "?limit=1001", "?limit=1e3", "?offset=%00",
        "?limit=", "?offset=0x10", "?type=..%2F", "?type=%00", "?type=amazon_s3%27--", "?limit=1&limit=2",
        "?search=%00", "?search=a%00b", "?search%00=a",
    ];

    /// <summary>Search text that matches nothing when taken literally; as SQL or a LIKE pattern each would match rows.</summary>
    private static readonly string[] LiteralSearches =
    [
        "%", "_", "%%", "a%", "%a", "[a-z]", "\\", "\\%", "'", "' OR '1'='1", "\" OR \"\"=\"", "'; DROP TABLE \"AspNetUsers\"; --", "*", "?",
        new string('%', 5000),
    ];

    [Fact]
    public async Task Every_endpoint_answers_hostile_input_with_a_problem_and_changes_nothing_but_the_audit_log()
    {
        using var factory = new PortalAppFactory(overrides: new Dictionary<string, string?>
        {
            // The corpus sends thousands of requests from one caller; these limits are proven elsewhere.
            ["Api:TokenRequestsPerMinute"] = "1000000",
            ["Api:VerifyRequestsPerMinute"] = "1000000",
        });
        var admin = await ApiSession.SignInAsync(factory, "admin", PortalAppFactory.AdminPassword);
        var anonymous = factory.CreateClient(new() { AllowAutoRedirect = false });

        var endpoints = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith(Base, StringComparison.Ordinal) == true && !e.RoutePattern.RawText.Contains("{*"))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => new ApiEndpoint(m, e.RoutePattern.RawText!.TrimEnd('/'),
                string.Join(",", e.Metadata.GetMetadata<System.Reflection.MethodInfo>()?.GetParameters().Select(p => p.Name) ?? []))))
            .Distinct()
            .ToList();
        Assert.Contains(endpoints, e => e.ToString() == $"POST {Base}/auth/token");
        Assert.Contains(endpoints, e => e.ToString() == $"PATCH {Base}/storageTargets/{{id}}");
        Assert.Contains(endpoints, e => e.ToString() == $"PUT {Base}/machineUsers/{{user}}/password");
        Assert.All(BodylessWrites, w => Assert.Contains(endpoints, e => e.ToString() == w));

        var routeValues = new Dictionary<ApiEndpoint, Dictionary<string, string>>();
        foreach (var endpoint in endpoints)
        {
            routeValues[endpoint] = await SampleRouteValuesAsync(admin, endpoint);
        }

        // Paged lists (they count their rows) take offset, limit, type and search.
        var pagedLists = new List<ApiEndpoint>();
        foreach (var list in endpoints.Where(e => e.Method == "GET" && e.Parameters.Count == 0))
        {
            if ((await admin.GetAsync(list.Pattern + "?limit=1000")).Headers.TryGetValues("X-Total-Count", out var total))
            {
                Assert.NotEqual("0", total.Single());
                pagedLists.Add(list);
            }
        }
        Assert.True(pagedLists.Count >= 4, $"paged lists: {string.Join(", ", pagedLists)}");
        Assert.All(pagedLists, l => Assert.Contains("search", l.QueryParameters.Split(',')));

        string[] excluded = [TableOf<AuditRecord>(factory)];
        var before = await DatabaseFingerprint.OfAsync(factory.Data, excluded);

        var probes = new List<(HttpClient Client, Probe Probe)>();
        foreach (var endpoint in endpoints)
        {
            var method = new HttpMethod(endpoint.Method);
            var valid = routeValues[endpoint];
            var query = Queries.FirstOrDefault(q => endpoint.Pattern.EndsWith(q.Key, StringComparison.Ordinal)).Value ?? "";
            if (endpoint.ReadsBody)
            {
                foreach (var (name, body, contentType) in StructuralBodies())
                {
                    probes.Add((admin.Client, new Probe(name, method, endpoint.Fill(valid) + query, body, contentType)));
                }
            }
            foreach (var parameter in endpoint.Parameters)
            {
                // Near misses of the real value too: padded, signed, suffixed; an id is exactly an id.
                string[] nearMisses = [$"%20{valid[parameter]}", $"+{valid[parameter]}", $"{valid[parameter]}.0", $"{valid[parameter]}%2F..", $"-{valid[parameter]}"];
                foreach (var id in HostileIds.Concat(nearMisses))
                {
                    var values = new Dictionary<string, string>(valid) { [parameter] = id };
                    probes.Add((admin.Client, new Probe($"'{id[..Math.Min(id.Length, 40)]}' as {{{parameter}}}", method, endpoint.Fill(values) + query,
                        endpoint.ReadsBody ? Utf8(PlausibleBody(endpoint)) : null)));
                }
            }
            if (pagedLists.Contains(endpoint))
            {
                foreach (var hostile in HostileQueries.Where(q => endpoint.QueryParameters.Split(',').Contains(q[1..q.IndexOf('=')])))
                {
                    probes.Add((admin.Client, new Probe("query " + hostile, method, endpoint.Fill(valid) + hostile)));
                }
            }
            if (!endpoint.Pattern.EndsWith("/auth/token", StringComparison.Ordinal))
            {
                // Without a token, or with a hostile one, nothing is read: 401 before any input is looked at.
                var url = endpoint.Fill(valid) + query;
                var body = endpoint.ReadsBody ? Utf8(PlausibleBody(endpoint)) : null;
                probes.Add((anonymous, new Probe("no token", method, url, body)));
                foreach (var (name, header) in HostileAuthorizations(admin))
                {
                    probes.Add((anonymous, new Probe(name, method, url, body, Authorization: header)));
                }
            }
        }
        foreach (var (name, method, path, body) in ContractBreakingBodies())
        {
            probes.Add((admin.Client, new Probe(name, new HttpMethod(method), $"{Base}/{path}", Utf8(body))));
        }
        foreach (var (name, content) in HostileTokenForms())
        {
            probes.Add((anonymous, new Probe("token form: " + name, HttpMethod.Post, $"{Base}/auth/token", Content: content)));
        }

        var failures = new List<string>();
        foreach (var (client, probe) in probes)
        {
            if (await RefusalProblemAsync(client, probe) is { } failure) failures.Add(failure);
        }

        // Search text is data, not SQL and not a LIKE pattern: each finds nothing, where a pattern would find every row.
        foreach (var list in pagedLists)
        {
            foreach (var search in LiteralSearches)
            {
                var response = await admin.GetAsync($"{list.Pattern}?search={Uri.EscapeDataString(search)}");
                var shown = search.Length > 40 ? search[..40] + "…" : search;
                if (response.StatusCode != HttpStatusCode.OK) failures.Add($"GET {list.Pattern}?search={shown}: {(int)response.StatusCode}");
                else if (response.Headers.GetValues("X-Total-Count").Single() != "0") failures.Add($"GET {list.Pattern}?search={shown}: matched {response.Headers.GetValues("X-Total-Count").Single()} rows");
            }
        }

        Assert.True(probes.Count > 1000, $"only {probes.Count} probes");
        var errors = string.Join("\n", factory.Logs.Text.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)).Select(Shorten));
        Assert.True(failures.Count == 0, $"{failures.Count} of {probes.Count} probes were not refused with a 4xx problem:\n{string.Join("\n", failures.Take(60))}\nErrors logged:\n{errors}");
        var after = await DatabaseFingerprint.OfAsync(factory.Data, excluded);
        var changed = before.Keys.Union(after.Keys).Where(t => before.GetValueOrDefault(t) != after.GetValueOrDefault(t))
            .Select(t => $"{t}: {before.GetValueOrDefault(t)} → {after.GetValueOrDefault(t)}").ToList();
        Assert.True(changed.Count == 0, $"refused input changed tables:\n{string.Join("\n", changed)}");
        Assert.DoesNotContain(OneMegabyte[..1000], factory.Logs.Text);
    }

    private static string TableOf<T>(PortalAppFactory factory)
    {
        using var scope = factory.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<PortalDbContext>().Model.FindEntityType(typeof(T))!.GetTableName()!;
    }

    /// <summary>A body the endpoint would accept, so a hostile id is what gets refused.</summary>
    private static string PlausibleBody(ApiEndpoint endpoint) => endpoint.Pattern switch
    {
        var p when p.EndsWith("/users/{id}/password/verify", StringComparison.Ordinal) => "\"a plausible password\"",
        var p when p.EndsWith("/password/verify", StringComparison.Ordinal) => """{ "property": "password", "value": "a plausible password" }""",
        var p when p.EndsWith("/users/{id}", StringComparison.Ordinal) => """{ "displayName": "Renamed by a hostile id" }""",
        var p when p.EndsWith("/machineUsers/{user}/password", StringComparison.Ordinal) => """{ "password": "a long enough new password" }""",
        var p when p.EndsWith("/machineUsers", StringComparison.Ordinal) => """{ "role": "Contributor" }""",
        var p when p.EndsWith("/configuration", StringComparison.Ordinal) => "42",
        var p when p.EndsWith("/resolve", StringComparison.Ordinal) => """[{ "path": "\\Verba\\Email Settings\\SMTPServer", "use": "db" }]""",
        var p when p.EndsWith("/agent/registry", StringComparison.Ordinal) => """{ "publicKey": "AAAA", "values": {} }""",
        var p when p.Contains("/agent/tasks/", StringComparison.Ordinal) => """{ "succeeded": true, "message": "done" }""",
        _ => """{ "name": "Renamed by a hostile id" }""",
    };

    private static IEnumerable<(string Case, string Header)> HostileAuthorizations(ApiSession admin)
    {
        var token = admin.Client.DefaultRequestHeaders.Authorization!.Parameter!;
        yield return ("empty bearer", "Bearer");
        yield return ("basic credentials", "Basic " + Convert.ToBase64String(Utf8($"admin:{PortalAppFactory.AdminPassword}")));
        yield return ("bearer with a flipped character", "Bearer " + token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..]);
        yield return ("truncated bearer", "Bearer " + token[..(token.Length / 2)]);
        yield return ("bearer of 60 000 characters", "Bearer " + new string('x', 60_000));
        yield return ("bearer not base64", "Bearer %00../'--");
    }

    private static IEnumerable<(string Case, HttpContent Content)> HostileTokenForms()
    {
        HttpContent Raw(string text) => new ByteArrayContent(Encoding.ASCII.GetBytes(text))
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") },
        };
        yield return ("invalid UTF-8 escapes", Raw("client_id=%FF%FE%C3%28&client_secret=x"));
        yield return ("NUL in the client id", Raw("client_id=adm%00in&client_secret=x"));
        yield return ("client id twice", Raw("client_id=admin&client_id=auditor&client_secret=x"));
        yield return ("no fields", Raw(""));
        yield return ("20 fields", Raw(string.Join("&", Enumerable.Range(0, 20).Select(i => $"f{i}=1"))));
        yield return ("field without value", Raw("client_id&client_secret"));
        yield return ("1 MB field", Raw("client_id=admin&client_secret=" + OneMegabyte));
        yield return ("100 000 fields", Raw(string.Join("&", Enumerable.Range(0, 100_000).Select(i => $"f{i}=1"))));
        yield return ("refresh token garbage", Raw("refresh_token=CfDJ8%00%27--"));
        yield return ("SQL in the client id", Raw("client_id=%27%20OR%20%271%27%3D%271&client_secret=x"));
        var multipart = new MultipartFormDataContent { { new StringContent("admin"), "client_id" }, { new ByteArrayContent(new byte[1024]), "client_secret", "secret.bin" } };
        yield return ("multipart with a file", multipart);
        yield return ("form content type, JSON body", Raw("""{ "client_id": "admin", "client_secret": "x" }"""));
    }

    /// <summary>The parameter values of a real entity: from the collection the path names, else <see cref="FixedRouteValues"/>.</summary>
    private static async Task<Dictionary<string, string>> SampleRouteValuesAsync(ApiSession admin, ApiEndpoint endpoint)
    {
        var values = new Dictionary<string, string>();
        foreach (var parameter in endpoint.Parameters)
        {
            var collection = endpoint.Pattern[..endpoint.Pattern.IndexOf("{" + parameter, StringComparison.Ordinal)].TrimEnd('/');
            collection = System.Text.RegularExpressions.Regex.Replace(collection, @"\{([^}:]+)(:[^}]+)?\}", m => values[m.Groups[1].Value]);
            string? value = null;
            var response = await admin.GetAsync(collection);
            if (response.IsSuccessStatusCode && JsonNode.Parse(await response.Content.ReadAsStringAsync()) is JsonArray { Count: > 0 } items)
            {
                value = items[0]![parameter]?.ToString();
            }
            value ??= FixedRouteValues.GetValueOrDefault(parameter);
            Assert.True(value is not null, $"{endpoint}: no sample value for {{{parameter}}}; add one to {nameof(FixedRouteValues)}.");
            values[parameter] = Uri.EscapeDataString(value!);
        }
        return values;
    }

    /// <summary>Sends the probe; null when the answer is a 4xx problem document, else what was wrong with it.</summary>
    private static async Task<string?> RefusalProblemAsync(HttpClient client, Probe probe)
    {
        using var request = new HttpRequestMessage(probe.Method, probe.Path);
        if (probe.Content is not null) request.Content = probe.Content;
        else if (probe.Body is not null)
        {
            request.Content = new ByteArrayContent(probe.Body);
            if (probe.ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(probe.ContentType);
        }
        if (probe.Authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", probe.Authorization);
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            return $"{probe.Method} {Shorten(probe.Path)} [{probe.Case}]: the request failed: {e.GetType().Name} {e.Message}";
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var problem = status is >= 400 and < 500
                && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                && JsonNode.Parse(body) is JsonObject json && (int?)json["status"] == status && json["title"] is not null
                && !body.Contains("   at ", StringComparison.Ordinal) && !body.Contains("Exception", StringComparison.Ordinal);
            return problem ? null : $"{probe.Method} {Shorten(probe.Path)} [{probe.Case}]: {status} {response.Content.Headers.ContentType} {Shorten(body)}";
        }
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
