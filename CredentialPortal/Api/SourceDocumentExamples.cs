using System.Text.Json.Nodes;

namespace CredentialPortal.Api;

/// <summary>
/// The credential-management document's requests and answers (docs/requirements.md §3), as the API document's examples:
/// what an integrator reading either sees is the same. <c>SeedDocumentReplayTests</c> replays them against the API.
/// </summary>
public static class SourceDocumentExamples
{
    public sealed record Example(JsonNode? Patch, JsonNode? Verify, JsonNode? Answer);

    private static readonly Dictionary<string, Example> ByResource = new()
    {
        ["users"] = new(
            Patch: new JsonObject { ["password"] = "new plain password" },
            Verify: JsonValue.Create("new plain password"),
            Answer: null),
        ["adSyncProfiles"] = new(
            Patch: new JsonObject { ["userName"] = "john.doe", ["ldapPassword"] = "new plain password" },
            Verify: new JsonObject { ["property"] = "ldapPassword", ["value"] = "new plain password" },
            Answer: JsonNode.Parse("""
                { "host": "ldap host", "port": 1234, "userName": "john.doe", "id": "13F72189-2EEB-425F-885B-7D1BBA83DDEB",
                  "description": "LDAP AD Synchronization Profile description", "enabled": true, "type": "ldap" }
                """)),
        ["storageTargets"] = new(
            Patch: new JsonObject { ["accessKeyId"] = "amazons3_storage_keyid", ["secretAccessKey"] = "new plain password" },
            Verify: new JsonObject { ["property"] = "secretAccessKey", ["value"] = "new plain password" },
            Answer: JsonNode.Parse("""
                { "bucket": "bucket name", "region": "region", "objectLockEnabled": true, "objectLockMode": "compliance",
                  "accessKeyId": "amazons3_storage_keyid", "id": 11, "name": "Amazon S3", "type": "amazon_s3" }
                """)),
        ["importSources"] = new(
            Patch: new JsonObject { ["apiKey"] = "zoom_api_key", ["apiSecret"] = "new plain password" },
            Verify: new JsonObject { ["property"] = "apiSecret", ["value"] = "new plain password" },
            Answer: JsonNode.Parse("""
                { "authType": "jwt", "apiKey": "zoom_api_key", "forwardProxyAddress": "proxy address", "forwardProxyPort": 1111,
                  "forwardProxyUser": "zoom_proxyuser", "apiAddress": "https://api.zoom.us/v2/", "id": 1, "name": "Zoom Phone import", "type": "zoom_phones" }
                """)),
    };

    public static Example? For(string resource) => ByResource.GetValueOrDefault(resource);
}
