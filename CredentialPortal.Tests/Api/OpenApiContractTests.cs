using System.Net;
using System.Text.Json.Nodes;
using CredentialPortal.Tests.Infrastructure.TestServers;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// The served OpenAPI document as an integrator's tools see it: Redocly's linter (npm @redocly/cli, pinned in
/// Infrastructure/TestServers/package.json) with its recommended rules must find no error.
/// </summary>
public class OpenApiContractTests(CredentialApiTests.Host host) : IClassFixture<CredentialApiTests.Host>
{
    /// <summary>
    /// The document as served to a client at a real-looking address: the server URL is the address the document was
    /// fetched at, and the linter warns about "localhost", the test client's default.
    /// </summary>
    private async Task<string> ServedDocumentAsync()
    {
        var client = host.Factory.CreateClient(new() { BaseAddress = new Uri("http://credentials.vault.test") });
        var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Every_operation_is_named_summarised_secured_by_its_permission_and_answers_problem_documents()
    {
        var document = JsonNode.Parse(await ServedDocumentAsync())!;
        var operations = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!))).ToList();
        Assert.True(operations.Count >= 35, $"{operations.Count} operations");
        Assert.Equal(operations.Count, operations.Select(o => (string?)o.Operation["operationId"]).Distinct().Count());
        foreach (var (path, method, operation) in operations)
        {
            var where = $"{method} {path}";
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["operationId"]), where);
            Assert.False(string.IsNullOrWhiteSpace((string?)operation["summary"]), where);
            var security = operation["security"]!.AsArray();
            if (path.EndsWith("/auth/token", StringComparison.Ordinal)) Assert.Empty(security);
            else Assert.Equal("bearer", Assert.Single(Assert.Single(security)!.AsObject()).Key);
            var responses = operation["responses"]!.AsObject();
            Assert.Contains("400", responses.Select(r => r.Key));
            foreach (var (status, response) in responses.Where(r => r.Key[0] is '4' or '5'))
            {
                Assert.Equal("#/components/schemas/problem", (string?)response!["content"]!["application/problem+json"]!["schema"]!["$ref"]);
            }
        }
        var ids = operations.Select(o => (string)o.Operation["operationId"]!).ToHashSet();
        foreach (var expected in new[] { "issueToken", "listStorageTargets", "getStorageTarget", "patchStorageTarget", "verifyStorageTargetSecret",
                     "listUsers", "patchUser", "verifyUserPassword", "listAdSyncProfiles", "verifyImportSourceSecret", "addMachineUser", "listServers" })
        {
            Assert.Contains(expected, ids);
        }
        var patch = document["paths"]!["/verba/restapi/v1/storageTargets/{id}"]!["patch"]!;
        Assert.Equal(["200", "400", "401", "403", "404", "409", "412", "413", "415", "503"], patch["responses"]!.AsObject().Select(r => r.Key).Order());
        Assert.Contains(patch["parameters"]!.AsArray(), p => (string?)p!["name"] == "If-Match" && (string?)p["in"] == "header");
        Assert.NotNull(patch["responses"]!["200"]!["headers"]!["ETag"]);
        var verify = document["paths"]!["/verba/restapi/v1/storageTargets/{id}/password/verify"]!["post"]!;
        Assert.NotNull(verify["responses"]!["429"]!["headers"]!["Retry-After"]);
        Assert.NotNull(document["paths"]!["/verba/restapi/v1/users"]!["get"]!["responses"]!["200"]!["headers"]!["X-Total-Count"]);
        Assert.NotNull(document["paths"]!["/verba/restapi/v1/users"]!["get"]!["responses"]!["200"]!["headers"]!["Link"]);
        Assert.Contains(document["paths"]!["/verba/restapi/v1/storageTargets"]!["get"]!["parameters"]!.AsArray(), p => (string?)p!["name"] == "after");
        Assert.Equal("bearer", (string?)document["components"]!["securitySchemes"]!["bearer"]!["scheme"]);
        Assert.DoesNotMatch("/$", (string)document["servers"]![0]!["url"]!);
    }

    [Fact]
    public async Task The_bodies_and_answers_are_the_catalogs_resource_by_resource()
    {
        var document = JsonNode.Parse(await ServedDocumentAsync())!;
        var schemas = document["components"]!["schemas"]!;
        foreach (var resource in CredentialPortal.Domain.Catalog.EntityCatalog.Resources)
        {
            var patch = schemas[resource.Name + ".patch"]!;
            Assert.False((bool)patch["additionalProperties"]!);
            Assert.Null(patch["required"]);
            var expected = resource.Types.SelectMany(t => t.Properties.Where(p => p.Updatable).Select(p => p.Name).Concat(t.Secrets.Select(s => s.Name))).ToHashSet();
            Assert.Equal(expected.Order(), patch["properties"]!.AsObject().Select(p => p.Key).Order());
            foreach (var type in resource.Types)
            {
                foreach (var name in type.Properties.Where(p => p.Updatable).Select(p => p.Name).Concat(type.Secrets.Select(s => s.Name)))
                {
                    Assert.Contains(type.Name, patch["properties"]![name]!["x-applies-to"]!.AsArray().Select(t => (string)t!));
                }
            }
            var verify = schemas[resource.Name + ".verify"]!;
            Assert.Equal(resource.Types.SelectMany(t => t.Secrets).Select(s => s.Name).Distinct().Order(),
                verify["properties"]!["property"]!["enum"]!.AsArray().Select(v => (string)v!).Order());
            var union = schemas[CredentialPortal.Api.OpenApiDocumentation.UnionName(resource.Name)]!;
            Assert.Equal("type", (string?)union["discriminator"]!["propertyName"]);
            Assert.Equal(resource.Types.Count, union["oneOf"]!.AsArray().Count);
            var path = document["paths"]![$"/verba/restapi/v1/{resource.Name}/{{id}}"]!["patch"]!["requestBody"]!["content"]!;
            Assert.Equal(["application/json", "application/merge-patch+json"], path.AsObject().Select(c => c.Key).Order());
        }
        var users = schemas["users.patch"]!["properties"]!.AsObject().Select(p => p.Key).ToHashSet();
        Assert.Contains("password", users);
        Assert.Contains("email", users);
        var userVerify = document["paths"]!["/verba/restapi/v1/users/{id}/password/verify"]!["post"]!["requestBody"]!["content"]!;
        Assert.Equal("string", (string?)userVerify["text/plain"]!["schema"]!["type"]);
        var token = document["paths"]!["/verba/restapi/v1/auth/token"]!["post"]!["requestBody"]!["content"]!;
        Assert.NotNull(token["application/json"]);
        Assert.NotNull(token["application/x-www-form-urlencoded"]);
        // Its refusals name their codes, the two-factor policy's among them (docs/design.md §6.5).
        var tokenAnswers = document["paths"]!["/verba/restapi/v1/auth/token"]!["post"]!["responses"]!;
        Assert.Contains("mfa_required", (string?)tokenAnswers["401"]!["description"]);
        Assert.Contains("mfa_enrolment_required", (string?)tokenAnswers["403"]!["description"]);
        // The source document's requests are the examples.
        Assert.Equal("secretAccessKey", (string?)document["paths"]!["/verba/restapi/v1/storageTargets/{id}/password/verify"]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!["sourceDocument"]!["value"]!["property"]);
    }

    [Fact]
    public async Task Redocly_lint_with_the_recommended_rules_finds_no_error_in_the_served_document()
    {
        var folder = Directory.CreateTempSubdirectory("openapi-lint-").FullName;
        try
        {
            var file = Path.Combine(folder, "openapi.json");
            var document = await ServedDocumentAsync();
            await File.WriteAllTextAsync(file, document);
            var cli = Path.Combine(NpmTools.Package("@redocly/cli"), "bin", "cli.js");
            var (code, output) = NpmTools.Run(NpmTools.Node, folder, cli, "lint", file, "--extends=recommended", "--format=stylish", "--max-problems=500");
            var summary = System.Text.RegularExpressions.Regex.Match(output, @"(\d+) errors?");
            Assert.True(code == 0 && !summary.Success, $"redocly lint exited {code}:\n{output}");
            // Warnings only where the document says why (info.x-lint-exceptions).
            var explained = JsonNode.Parse(document)!["info"]!["x-lint-exceptions"]!.AsObject().Select(e => e.Key).ToHashSet();
            var warned = System.Text.RegularExpressions.Regex.Matches(output, @"\bwarning\s+([a-z0-9.-]+)").Select(m => m.Groups[1].Value).ToHashSet();
            Assert.True(warned.IsSubsetOf(explained), $"warnings the document does not explain: {string.Join(", ", warned.Except(explained))}\n{output}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
