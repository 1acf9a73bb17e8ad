using System.Text.Json;
using System.Text.Json.Nodes;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// Numbered PATCHes of connector entities for the fault tests. Write n sets several public fields and every secret of
/// the entity's type to values that name n, so a stored state, a GET or an audit record tells which write it came
/// from, and whether it came from one write whole or is a mix of two.
/// </summary>
public sealed class NumberedWrites(string salt)
{
    private static readonly IReadOnlyDictionary<string, (string Field, Func<int, JsonNode> Value)[]> PublicFields =
        new Dictionary<string, (string, Func<int, JsonNode>)[]>
        {
            ["amazon_s3"] = [("accessKeyId", n => Text($"AKIA{n:D16}"))],
            ["azure_blob"] = [("accountName", n => Text($"acct{n:D8}"))],
            ["sftp"] = [("host", n => Text($"sftp{n}.example.com")), ("port", n => JsonValue.Create(1000 + n)), ("userName", n => Text($"user{n}"))],
            ["smb"] = [("domain", n => Text($"D{n}")), ("userName", n => Text($"user{n}"))],
            ["ldap"] = [("host", n => Text($"dc{n}.example.com")), ("port", n => JsonValue.Create(1000 + n)), ("userName", n => Text($"svc{n}"))],
            ["azure_ad"] = [("tenantId", n => Text($"00000000-0000-4000-8000-{n:D12}")), ("clientId", n => Text($"11111111-1111-4111-8111-{n:D12}"))],
        };

    private static JsonNode Text(string value) => JsonValue.Create(value);

    /// <summary>The body of write <paramref name="n"/> to an entity of <paramref name="type"/>: public fields and secrets together.</summary>
    public string Body(EntityTypeDescriptor type, int n)
    {
        var body = new JsonObject();
        foreach (var (field, value) in PublicFields[type.Name]) body[field] = value(n);
        foreach (var secret in type.Secrets) body[secret.Name] = Secret(secret.Name, n);
        return body.ToJsonString();
    }

    /// <summary>The value write n gave <paramref name="secret"/>; the salt keeps it out of reach of any other test's data.</summary>
    public string Secret(string secret, int n) => $"{salt}-{secret}-{n}";

    public static IEnumerable<string> SecretsOf(EntityTypeDescriptor type) => type.Secrets.Select(s => s.Name);

    /// <summary>Do all public fields of <paramref name="entity"/> (a GET body) hold write n's values?</summary>
    public static bool Shows(EntityTypeDescriptor type, JsonNode entity, int n) =>
        PublicFields[type.Name].All(f => JsonNode.DeepEquals(entity[f.Field], f.Value(n)));

    /// <summary>Does any public field hold write n's value? With <see cref="Shows"/> false, that is a torn state.</summary>
    public static bool ShowsAnyOf(EntityTypeDescriptor type, JsonNode entity, int n) =>
        PublicFields[type.Name].Any(f => JsonNode.DeepEquals(entity[f.Field], f.Value(n)));

    /// <summary>Which of <paramref name="candidates"/> an update record's "new" values are, or null when none fits whole.</summary>
    public static int? WriteOf(EntityTypeDescriptor type, AuditRecord update, IEnumerable<int> candidates)
    {
        var changes = JsonNode.Parse(update.Changes ?? "{}")!.AsObject();
        var matching = candidates.Where(n => PublicFields[type.Name].All(f =>
            changes[f.Field]?["new"] is { } value && JsonNode.DeepEquals(value, f.Value(n)))).ToList();
        return matching.Count == 1 ? matching[0] : null;
    }

    public static EntityTypeDescriptor TypeOf(EntityResource resource, JsonNode entity) =>
        resource.FindType((string)entity["type"]!) ?? throw new InvalidOperationException($"unknown type in {entity.ToJsonString()}");

    public static bool IsCovered(EntityTypeDescriptor type) => PublicFields.ContainsKey(type.Name);

    public static string Describe(JsonNode entity) => entity.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
