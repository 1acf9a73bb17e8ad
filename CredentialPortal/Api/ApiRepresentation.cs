using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Organisations;
using System.Text.Json.Nodes;
using CredentialPortal.Domain.ConnectionChecks;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Users;

namespace CredentialPortal.Api;

/// <summary>How entities look on the wire: public properties in catalog order, then <c>type</c>. Never a secret.</summary>
public static class ApiRepresentation
{
    public static JsonObject Of(EntitySnapshot entity)
    {
        var json = Of(entity.Values);
        json["type"] = entity.Type.Name;
        return json;
    }

    /// <summary>Catalog-ordered public values as a JSON object: one conversion for every described thing.</summary>
    public static JsonObject Of(IEnumerable<KeyValuePair<PropertyDescriptor, object?>> values)
    {
        var json = new JsonObject();
        foreach (var (property, value) in values)
        {
            if (value is null && property.OmittedWhenNull) continue;
            json[property.Name] = value switch
            {
                null => null,
                Guid g => JsonValue.Create(g.ToString("D").ToUpperInvariant()),
                Enum e => JsonValue.Create(e.ToString()),
                _ => JsonValue.Create(value),
            };
        }
        return json;
    }

    /// <summary>The entity with its last connection check (<c>lastCheck</c>, read-only; absent until one ran).</summary>
    public static JsonObject Of(EntitySnapshot entity, LastCheck? lastCheck)
    {
        var json = Of(entity);
        if (lastCheck is not null) json["lastCheck"] = Of(lastCheck);
        return json;
    }

    public static JsonObject Of(LastCheck last) => new()
    {
        ["result"] = last.Result.Wire(),
        ["checkedAt"] = last.CheckedAt,
    };

    public static JsonObject Of(ConnectionCheckOutcome outcome) => new()
    {
        ["result"] = outcome.Result.Wire(),
        ["detail"] = outcome.Detail,
        ["checkedAt"] = outcome.CheckedAt,
        ["durationMs"] = outcome.DurationMs,
    };

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<EntitySnapshot, byte[]> Serialised = new();

    /// <summary>The entity's JSON as UTF-8, computed once per (immutable) snapshot.</summary>
    public static byte[] Utf8Of(EntitySnapshot entity) =>
        Serialised.GetValue(entity, e => System.Text.Encoding.UTF8.GetBytes(Of(e).ToJsonString()));

    public static JsonObject Of(UserSnapshot user) => Of(AccountCatalog.Users.ValuesOf(user));

    public static JsonObject Of(OrgUserRow row) => Of(AccountCatalog.MachineUsers.ValuesOf(row));
}
