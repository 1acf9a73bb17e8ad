using System.Text.Json.Nodes;
using CredentialPortal.Domain.Catalog;
using Microsoft.OpenApi;

namespace CredentialPortal.Api;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>). The endpoints return catalog-shaped JSON, so the schemas for each
/// entity type are generated from the catalog: public properties (read-only unless updatable) and secrets (write-only).
/// </summary>
public static class OpenApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddCredentialApiDocument(this IServiceCollection services)
    {
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "CredentialPortal REST API v1",
                    Version = "v1",
                    Description = "Rotate and verify credentials without reading them back. Authenticate with POST /auth/token, then send Authorization: Bearer <access_token>.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                foreach (var type in EntityCatalog.Resources.SelectMany(r => r.Types))
                {
                    document.Components.Schemas[SchemaName(type)] = SchemaOf(type);
                }
                document.Components.Schemas["user"] = UserSchema();
                return Task.CompletedTask;
            });
        });
        // Only the REST API: not the portal's pages or the health probe.
        services.AddOptions<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1").Configure<Microsoft.Extensions.Options.IOptions<ApiOptions>>((o, api) =>
            o.ShouldInclude = d => d.RelativePath?.StartsWith(api.Value.BasePath.Trim('/'), StringComparison.OrdinalIgnoreCase) == true);
        return services;
    }

    public static string SchemaName(EntityTypeDescriptor type) => $"{type.Resource.Name}.{type.Name}";

    private static OpenApiSchema SchemaOf(EntityTypeDescriptor type)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Title = type.Title,
            Description = $"{type.Resource.Title} of type '{type.Name}'. Secrets are write-only: PATCH them, verify them, never read them.",
            Properties = new Dictionary<string, IOpenApiSchema>(),
        };
        foreach (var property in type.Properties)
        {
            schema.Properties[property.Name] = new OpenApiSchema
            {
                Type = JsonType(property.Kind) | (property.Nullable ? JsonSchemaType.Null : 0),
                Format = property.Kind == ValueKind.Identifier ? "uuid" : null,
                Description = property.Help ?? property.Label,
                ReadOnly = !property.Updatable,
                Enum = property.AllowedValues?.Select(v => (JsonNode)JsonValue.Create(v)!).ToList(),
            };
        }
        schema.Properties["type"] = new OpenApiSchema { Type = JsonSchemaType.String, ReadOnly = true, Enum = [JsonValue.Create(type.Name)!] };
        foreach (var secret in type.Secrets)
        {
            schema.Properties[secret.Name] = new OpenApiSchema { Type = JsonSchemaType.String, WriteOnly = true, Description = $"{secret.Label} (secret: write-only)." };
        }
        return schema;
    }

    private static OpenApiSchema UserSchema()
    {
        var users = AccountCatalog.Users;
        var schema = new OpenApiSchema { Type = JsonSchemaType.Object, Title = users.Title, Properties = new Dictionary<string, IOpenApiSchema>() };
        foreach (var property in users.Properties)
        {
            schema.Properties[property.Name] = new OpenApiSchema
            {
                Type = JsonType(property.Kind),
                Format = property.Kind == ValueKind.Timestamp ? "date-time" : null,
                Description = property.Help ?? property.Label,
                ReadOnly = !property.Updatable,
            };
        }
        foreach (var secret in users.Secrets)
        {
            schema.Properties[secret.Name] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, WriteOnly = true, Description = $"{secret.Label} (secret: write-only). Local users only; must satisfy the password policy.",
            };
        }
        return schema;
    }

    private static JsonSchemaType JsonType(ValueKind kind) => kind switch
    {
        ValueKind.Integer => JsonSchemaType.Integer,
        ValueKind.Boolean => JsonSchemaType.Boolean,
        _ => JsonSchemaType.String,
    };
}
