using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CredentialPortal.Domain.Catalog;

/// <summary>The kind of value a public property holds, as the wire and the edit forms see it.</summary>
public enum ValueKind
{
    Text,
    Integer,
    Boolean,
    Identifier,
    Timestamp,
}

/// <summary>One public property of an entity type: its wire name, label, kind and whether it may be changed.</summary>
public sealed class PropertyDescriptor
{
    internal PropertyDescriptor(PropertyInfo property)
    {
        Property = property;
        Name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
        var display = property.GetCustomAttribute<DisplayAttribute>();
        Label = display?.GetName() ?? SplitWords(property.Name);
        Help = display?.GetDescription();
        Updatable = property.GetCustomAttribute<UpdatableAttribute>() is not null && property.CanWrite;
        OmittedWhenNull = property.GetCustomAttribute<OmittedWhenNullAttribute>() is not null;
        AllowedValues = property.GetCustomAttribute<AllowedValuesAttribute>()?.Values.Select(v => v?.ToString() ?? "").ToArray();
        var type = property.PropertyType;
        var underlying = System.Nullable.GetUnderlyingType(type);
        Nullable = underlying is not null || new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable;
        ClrType = underlying ?? type;
        Kind = ClrType switch
        {
            _ when ClrType == typeof(string) => ValueKind.Text,
            _ when ClrType == typeof(int) || ClrType == typeof(long) => ValueKind.Integer,
            _ when ClrType == typeof(bool) => ValueKind.Boolean,
            _ when ClrType == typeof(Guid) => ValueKind.Identifier,
            _ when ClrType == typeof(DateTime) => ValueKind.Timestamp,
            _ => ClrType.IsEnum ? ValueKind.Text : throw new NotSupportedException($"{property.DeclaringType?.Name}.{property.Name}: {ClrType.Name} is not a catalog value kind."),
        };
    }

    /// <summary>camelCase wire name, e.g. <c>accessKeyId</c>.</summary>
    public string Name { get; }
    public string Label { get; }
    public string? Help { get; }
    public bool Updatable { get; }
    /// <summary>Absent from a response while null (a property added after the source document).</summary>
    public bool OmittedWhenNull { get; }
    public bool Nullable { get; }
    public ValueKind Kind { get; }
    public Type ClrType { get; }
    public IReadOnlyList<string>? AllowedValues { get; }
    internal PropertyInfo Property { get; }

    public object? GetValue(object entity) => Property.GetValue(entity);

    internal void SetValue(object entity, object? value) => Property.SetValue(entity, value);

    /// <summary>
    /// Reads a JSON value sent for this property. Returns an error message for a wrong JSON type, a number out of
    /// range, a null where none is allowed, or a value outside the allowed set; the value is not applied.
    /// </summary>
    public bool TryRead(JsonNode? node, out object? value, out string? error)
    {
        value = null;
        error = null;
        if (node is null)
        {
            if (Nullable) return true;
            error = $"'{Label}' cannot be null.";
            return false;
        }
        if (node is not JsonValue json)
        {
            error = $"'{Label}' must be {Expected}.";
            return false;
        }

        // Works for parsed and for constructed nodes (JsonValue.Create) alike.
        var element = JsonSerializer.SerializeToElement(json);
        switch (Kind)
        {
            case ValueKind.Text when element.ValueKind == JsonValueKind.String:
                var text = element.GetString()!;
                if (ClrType.IsEnum)
                {
                    if (!Enum.TryParse(ClrType, text, ignoreCase: true, out var parsed))
                    {
                        error = $"'{Label}' must be one of: {string.Join(", ", Enum.GetNames(ClrType))}.";
                        return false;
                    }
                    value = parsed;
                    return true;
                }
                if (AllowedValues is { } allowed && !allowed.Contains(text, StringComparer.Ordinal))
                {
                    error = $"'{Label}' must be one of: {string.Join(", ", allowed)}.";
                    return false;
                }
                value = text;
                return true;
            case ValueKind.Integer when element.ValueKind == JsonValueKind.Number:
                if (ClrType == typeof(int) && element.TryGetInt32(out var i32)) { value = i32; return true; }
                if (ClrType == typeof(long) && element.TryGetInt64(out var i64)) { value = i64; return true; }
                error = $"'{Label}' must be a whole number in range.";
                return false;
            case ValueKind.Boolean when element.ValueKind is JsonValueKind.True or JsonValueKind.False:
                value = element.GetBoolean();
                return true;
            case ValueKind.Identifier when element.ValueKind == JsonValueKind.String && Guid.TryParse(element.GetString(), out var guid):
                value = guid;
                return true;
            default:
                error = $"'{Label}' must be {Expected}.";
                return false;
        }
    }

    private string Expected => Kind switch
    {
        ValueKind.Text => "a string",
        ValueKind.Integer => "a whole number",
        ValueKind.Boolean => "true or false",
        ValueKind.Identifier => "a GUID string",
        _ => "a timestamp string",
    } + (Nullable ? " or null" : "");

    private static string SplitWords(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) && !char.IsUpper(pascal[i - 1]) ? " " + char.ToLowerInvariant(c) : c.ToString()));
}

/// <summary>One secret of an entity type: write-only, verified but never read back.</summary>
public sealed record SecretDescriptor(string Name, string Label);
