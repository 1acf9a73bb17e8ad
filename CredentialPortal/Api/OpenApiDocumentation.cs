using System.Text.Json.Nodes;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Catalog;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;

namespace CredentialPortal.Api;

/// <summary>What a credential endpoint does to which catalog resource: the document's bodies and answers follow from it.</summary>
public enum CredentialOperationKind
{
    List,
    Get,
    Patch,
    Verify,
}

/// <summary>Endpoint metadata: this endpoint lists, reads, patches or verifies the catalog resource named.</summary>
public sealed record CredentialOperation(string Resource, CredentialOperationKind Kind);

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>), generated from the catalog and the endpoints' metadata, never written
/// by hand: the entity schemas and the PATCH and verify bodies come from <see cref="EntityCatalog"/> and
/// <see cref="AccountCatalog"/>; security from each endpoint's <see cref="RequiredPermission"/>; the error answers from
/// what the endpoint is (its route, method, body, rate limit) by the rules in <see cref="ErrorsOf"/>.
/// </summary>
public static class OpenApiDocumentation
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string BearerScheme = "bearer";
    public const string ProblemSchema = "problem";
    public const string TokenRequestSchema = "tokenRequest";

    public static IServiceCollection AddCredentialApiDocument(this IServiceCollection services)
    {
        services.AddOpenApi(o =>
        {
            o.AddOperationTransformer((operation, context, _) =>
            {
                Describe(operation, context.Document!, context.Description.ActionDescriptor.EndpointMetadata, context.Description.HttpMethod ?? "GET",
                    context.Description.ParameterDescriptions.Any(p => p.Name == "after"));
                return Task.CompletedTask;
            });
            o.AddDocumentTransformer((document, _, _) =>
            {
                DescribeDocument(document);
                return Task.CompletedTask;
            });
        });
        // Only the REST API: not the portal's pages or the health probe.
        services.AddOptions<Microsoft.AspNetCore.OpenApi.OpenApiOptions>("v1").Configure<Microsoft.Extensions.Options.IOptions<ApiOptions>>((o, api) =>
            o.ShouldInclude = d => d.RelativePath?.StartsWith(api.Value.BasePath.Trim('/'), StringComparison.OrdinalIgnoreCase) == true);
        return services;
    }

    // ---- operation ids: one naming rule for every catalog resource ----

    /// <summary><c>storageTargets</c> → <c>StorageTargets</c>.</summary>
    public static string PluralName(string resource) => char.ToUpperInvariant(resource[0]) + resource[1..];

    /// <summary><c>Storage target</c> → <c>StorageTarget</c>; <c>AD sync profile</c> → <c>AdSyncProfile</c>.</summary>
    public static string SingularName(string title) =>
        string.Concat(title.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant()));

    /// <summary>The operationId of a credential operation: <c>listStorageTargets</c>, <c>getStorageTarget</c>, <c>patchStorageTarget</c>, <c>verifyStorageTargetSecret</c>.</summary>
    public static string OperationId(string resource, string title, CredentialOperationKind kind, string secretWord = "Secret") => kind switch
    {
        CredentialOperationKind.List => "list" + PluralName(resource),
        CredentialOperationKind.Get => "get" + SingularName(title),
        CredentialOperationKind.Patch => "patch" + SingularName(title),
        _ => "verify" + SingularName(title) + secretWord,
    };

    /// <summary>Names the endpoint (its operationId) and marks what it does to which resource.</summary>
    public static RouteHandlerBuilder DescribedAs(this RouteHandlerBuilder builder, string resource, string title, CredentialOperationKind kind, string secretWord = "Secret") =>
        builder.WithName(OperationId(resource, title, kind, secretWord)).WithMetadata(new CredentialOperation(resource, kind));

    // ---- the document ----

    private static void DescribeDocument(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "CredentialPortal REST API v1",
            Version = "v1",
            Description = "Rotate and verify credentials without reading them back. Authenticate with POST /auth/token, then send "
                + "Authorization: Bearer <access_token>. Errors are RFC 9457 problem documents with a stable `code`.",
            // The linter's warnings this document keeps, each with its reason (the lint test allows these and no others).
            Extensions = new Dictionary<string, IOpenApiExtension>
            {
                ["x-lint-exceptions"] = new JsonNodeExtension(new JsonObject
                {
                    ["info-license"] = "The repository states no licence, so the document names none rather than invent one.",
                }),
            },
        };
        // The platform writes the request's base address with a trailing slash; paths already start with one.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The access_token from POST /auth/token.",
        };
        var schemas = document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        foreach (var resource in EntityCatalog.Resources)
        {
            foreach (var type in resource.Types) schemas[SchemaName(type)] = SchemaOf(type);
            schemas[UnionName(resource.Name)] = EntityUnion(resource, document);
            schemas[resource.Name + ".patch"] = PatchSchema(resource.Types.Select(t => (t.Name, t.Properties, t.Secrets)), resource.Title);
            schemas[resource.Name + ".verify"] = VerifySchema(resource);
        }
        schemas["user"] = UserSchema();
        schemas[AccountCatalog.Users.Resource + ".patch"] = PatchSchema([("local", AccountCatalog.Users.Properties, AccountCatalog.Users.Secrets)], AccountCatalog.Users.Title);
        schemas[ProblemSchema] = Problem();
        schemas[TokenRequestSchema] = TokenRequest();

        // Endpoints whose generic JSON answers this document replaced with catalog schemas leave these behind.
        foreach (var generic in new[] { "JsonObject", "JsonArray", "JsonNode", "ProblemDetails", "HttpValidationProblemDetails" })
        {
            if (!References(document, generic)) schemas.Remove(generic);
        }

        document.Tags = new HashSet<OpenApiTag>(Tags().Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
    }

    private static bool References(OpenApiDocument document, string schema)
    {
        static bool Names(IOpenApiSchema? s, string id) =>
            s is OpenApiSchemaReference r ? r.Reference.Id == id : s is not null && (Names(s.Items, id) || s.Properties?.Values.Any(p => Names(p, id)) == true);
        return (document.Paths ?? new OpenApiPaths()).Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => (o.Responses?.Values.SelectMany(r => r.Content?.Values ?? []) ?? []).Concat(o.RequestBody?.Content?.Values ?? []))
            .Any(m => Names(m.Schema, schema));
    }

    private static IEnumerable<(string Name, string Description)> Tags()
    {
        yield return ("Authentication", "Sign in with a login name and password (client_id, client_secret) for a bearer token, or renew it with the refresh token.");
        yield return ("Users", "People's accounts. Local users' display name, email and password can be changed and their password verified; AD-synchronised users are read-only.");
        foreach (var resource in EntityCatalog.Resources)
        {
            yield return (resource.PluralTitle, $"{resource.PluralTitle} of every type ({string.Join(", ", resource.Types.Select(t => t.Name))}). "
                + $"Secrets ({string.Join(", ", resource.Types.SelectMany(t => t.Secrets).Select(s => s.Name).Distinct())}) are write-only: PATCH them, verify them, never read them.");
        }
        yield return ("Organisations", "An organisation's users and adding machine users to it.");
        yield return ("Machine users", "Connector (machine) accounts: setting their password.");
        yield return ("Server configuration", "Servers, configuration profiles, values by settingPath, differences and tasks, and the calls a server agent makes.");
    }

    private static void Describe(OpenApiOperation operation, OpenApiDocument document, IList<object> metadata, string method, bool keyset)
    {
        var permission = metadata.OfType<RequiredPermission>().LastOrDefault();
        var shape = metadata.OfType<CredentialOperation>().LastOrDefault();
        var rateLimited = metadata.OfType<EnableRateLimitingAttribute>().Any();
        var hasRouteParameter = operation.Parameters?.Any(p => p.In == ParameterLocation.Path) == true;

        if (permission is not null)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
            var roles = Permissions.Table[permission.Permission].Roles;
            operation.Description = (operation.Description is null ? "" : operation.Description + "\n\n")
                + $"Requires the permission `{permission.Permission}` (roles: {string.Join(", ", roles)}).";
        }

        if (shape is not null) DescribeCredentialOperation(operation, document, shape, keyset);
        if (operation.OperationId == TokenOperationId) DescribeToken(operation, document);

        operation.Responses ??= new OpenApiResponses();
        var hasBody = operation.RequestBody is not null || method is "POST" or "PUT" or "PATCH";
        foreach (var status in ErrorsOf(method, permission is not null, hasRouteParameter, hasBody, rateLimited, shape?.Kind))
        {
            operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = ProblemResponse(status, document);
        }
    }

    /// <summary>The operationId of <c>POST /auth/token</c>.</summary>
    public const string TokenOperationId = "issueToken";

    /// <summary>
    /// The errors an endpoint can answer, from what it is: any request may be malformed (a NUL in the query: 400); a
    /// secured one may lack or have the wrong token (401, 403); a path naming something may name nothing (404); a write
    /// may meet a state conflict (409) or a database busy past its timeout (503); a body may be too large or of the wrong
    /// type (413, 415); PATCH checks If-Match (412); a rate-limited endpoint refuses callers over budget (429).
    /// </summary>
    public static IEnumerable<int> ErrorsOf(string method, bool secured, bool hasRouteParameter, bool hasBody, bool rateLimited, CredentialOperationKind? kind)
    {
        var write = method != "GET";
        yield return StatusCodes.Status400BadRequest;
        if (secured || rateLimited) yield return StatusCodes.Status401Unauthorized;
        if (secured || rateLimited) yield return StatusCodes.Status403Forbidden;
        if (hasRouteParameter) yield return StatusCodes.Status404NotFound;
        if (write && secured) yield return StatusCodes.Status409Conflict;
        if (kind == CredentialOperationKind.Patch) yield return StatusCodes.Status412PreconditionFailed;
        if (hasBody)
        {
            yield return StatusCodes.Status413PayloadTooLarge;
            yield return StatusCodes.Status415UnsupportedMediaType;
        }
        if (rateLimited) yield return StatusCodes.Status429TooManyRequests;
        if (write) yield return StatusCodes.Status503ServiceUnavailable;
    }

    private static readonly Dictionary<int, string> ProblemDescriptions = new()
    {
        [400] = "The request could not be read or a value is invalid: `errors` names each property. Nothing was changed.",
        [401] = "No valid bearer token (or, for /auth/token, a wrong login name or password; `code: mfa_required` when the account has two-factor and no `otp` was sent, `mfa_invalid` for a wrong or reused one; `code: temporary_password_expired` when the right temporary password has expired: ask the helpdesk for a new one).",
        [403] = "The caller's role does not hold the permission this operation requires, or (`code: password_change_required`) the account has a temporary password and must choose a new one in the portal first, or (`code: mfa_enrolment_required`, also from /auth/token) the account's role must use two-factor, it has none and its grace period has ended: sign in to the portal and enrol an authenticator app at /account/security first.",
        [404] = "Nothing with this id exists.",
        [409] = "The change conflicts with the entity's state (e.g. an AD-synchronised user) or a prerequisite is not met.",
        [412] = "The If-Match ETag is stale: someone changed the entity since it was read. Read it again.",
        [413] = "The request body is larger than the API reads (Api:MaxRequestBodyBytes).",
        [415] = "The body's Content-Type is not one this operation reads.",
        [429] = "Too many requests (or failed verifications) from this caller: wait Retry-After seconds.",
        [503] = "The database stayed busy past its timeout; nothing was changed. Retry after Retry-After seconds.",
    };

    private static OpenApiResponse ProblemResponse(int status, OpenApiDocument document)
    {
        var response = new OpenApiResponse
        {
            Description = ProblemDescriptions[status],
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
        };
        if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before trying again.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" } },
            };
        }
        return response;
    }

    private static void DescribeCredentialOperation(OpenApiOperation operation, OpenApiDocument document, CredentialOperation shape, bool keyset)
    {
        var users = shape.Resource == AccountCatalog.Users.Resource;
        IOpenApiSchema entity = users ? new OpenApiSchemaReference("user", document) : new OpenApiSchemaReference(UnionName(shape.Resource), document);
        var etag = new Dictionary<string, IOpenApiHeader>
        {
            ["ETag"] = new OpenApiHeader { Description = "The entity's version: send it back as If-Match to change it only if nobody else did.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
        var examples = SourceDocumentExamples.For(shape.Resource);
        operation.Responses = new OpenApiResponses();
        switch (shape.Kind)
        {
            case CredentialOperationKind.List:
                var headers = new Dictionary<string, IOpenApiHeader>
                {
                    ["X-Total-Count"] = new OpenApiHeader { Description = "How many entities match the filters, across all pages.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" } },
                };
                if (keyset)
                {
                    headers["Link"] = new OpenApiHeader
                    {
                        Description = "`<…>; rel=\"next\"`: the next page's URL (with its opaque `after` cursor), when one follows.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                    };
                }
                operation.Responses["200"] = new OpenApiResponse
                {
                    Description = "One page, ordered by id (public properties only; never a secret).",
                    Headers = headers,
                    Content = Json(new OpenApiSchema { Type = JsonSchemaType.Array, Items = entity }),
                };
                break;
            case CredentialOperationKind.Get:
                operation.Responses["200"] = new OpenApiResponse { Description = "The entity (public properties only; never a secret).", Headers = etag, Content = Json(entity, examples?.Answer) };
                break;
            case CredentialOperationKind.Patch:
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-Match",
                    In = ParameterLocation.Header,
                    Description = "The ETag of the version this change is based on; a stale one answers 412 and changes nothing. Without it the change is unconditional.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
                var patch = new OpenApiSchemaReference(shape.Resource + ".patch", document);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "Only the properties to change, secrets included; all are applied or none.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = Media(patch, examples?.Patch),
                        ["application/merge-patch+json"] = Media(patch, examples?.Patch),
                    },
                };
                operation.Responses["200"] = new OpenApiResponse { Description = "The changed entity (never a secret).", Headers = etag, Content = Json(entity, examples?.Answer) };
                break;
            case CredentialOperationKind.Verify:
                operation.RequestBody = users
                    ? new OpenApiRequestBody
                    {
                        Required = true,
                        Description = "The plain password as the raw body (one trailing line break is ignored), or as a JSON string.",
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1 }, Example = examples?.Verify },
                            ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1 } },
                        },
                    }
                    : new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = Media(new OpenApiSchemaReference(shape.Resource + ".verify", document), examples?.Verify) },
                    };
                operation.Responses["200"] = new OpenApiResponse
                {
                    Description = "Whether the value matches the stored secret.",
                    Content = Json(new OpenApiSchema { Type = JsonSchemaType.Boolean }),
                };
                break;
        }
    }

    private static void DescribeToken(OpenApiOperation operation, OpenApiDocument document)
    {
        var request = new OpenApiSchemaReference(TokenRequestSchema, document);
        var example = new JsonObject { ["client_id"] = "integrator", ["client_secret"] = "the integrator's password" };
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = Media(request, example),
                ["application/x-www-form-urlencoded"] = new() { Schema = request },
            },
        };
        // No token is needed to get one.
        operation.Security = [];
    }

    private static Dictionary<string, OpenApiMediaType> Json(IOpenApiSchema schema, JsonNode? example = null) =>
        new() { ["application/json"] = Media(schema, example) };

    private static OpenApiMediaType Media(IOpenApiSchema schema, JsonNode? example) =>
        example is null
            ? new OpenApiMediaType { Schema = schema }
            : new OpenApiMediaType
            {
                Schema = schema,
                Examples = new Dictionary<string, IOpenApiExample>
                {
                    ["sourceDocument"] = new OpenApiExample { Summary = "As in the credential-management document (docs/requirements.md §3)", Value = example.DeepClone() },
                },
            };

    // ---- schemas from the catalog ----

    public static string SchemaName(EntityTypeDescriptor type) => $"{type.Resource.Name}.{type.Name}";

    /// <summary>
    /// The schema of any entity of a resource (<c>storageTarget</c>): singular, so generators that turn
    /// <c>storageTargets.amazon_s3</c> into a namespace do not meet a class of the same name.
    /// </summary>
    public static string UnionName(string resource) =>
        EntityCatalog.FindResource(resource) is { } r ? char.ToLowerInvariant(SingularName(r.Title)[0]) + SingularName(r.Title)[1..] : resource;

    private static OpenApiSchema EntityUnion(EntityResource resource, OpenApiDocument document) => new()
    {
        Description = $"A {resource.Title.ToLowerInvariant()}: one of its types, told apart by `type`.",
        OneOf = resource.Types.Select(t => (IOpenApiSchema)new OpenApiSchemaReference(SchemaName(t), document)).ToList(),
        Discriminator = new OpenApiDiscriminator
        {
            PropertyName = "type",
            Mapping = resource.Types.ToDictionary(t => t.Name, t => new OpenApiSchemaReference(SchemaName(t), document)),
        },
    };

    private static OpenApiSchema SchemaOf(EntityTypeDescriptor type)
    {
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Title = type.Title,
            Description = $"{type.Resource.Title} of type '{type.Name}'. Secrets are write-only: PATCH them, verify them, never read them.",
            Properties = new Dictionary<string, IOpenApiSchema>(),
            Required = new HashSet<string> { "type" },
        };
        foreach (var property in type.Properties)
        {
            var value = ValueSchema(property);
            value.ReadOnly = !property.Updatable;
            schema.Properties[property.Name] = value;
            // Answers carry every public property, but the documented answers show some only: the example stays valid.
            if (property.Name == "id") schema.Required.Add(property.Name);
        }
        schema.Properties["type"] = new OpenApiSchema { Type = JsonSchemaType.String, ReadOnly = true, Enum = [JsonValue.Create(type.Name)!] };
        foreach (var secret in type.Secrets)
        {
            schema.Properties[secret.Name] = new OpenApiSchema { Type = JsonSchemaType.String, WriteOnly = true, Description = $"{secret.Label} (secret: write-only)." };
        }
        return schema;
    }

    /// <summary>
    /// The PATCH body of a resource: every updatable and secret property of any of its types, each optional, typed and
    /// saying which types take it; nothing else is accepted.
    /// </summary>
    private static OpenApiSchema PatchSchema(IEnumerable<(string Type, IReadOnlyList<PropertyDescriptor> Properties, IReadOnlyList<SecretDescriptor> Secrets)> types, string title)
    {
        var properties = new Dictionary<string, (OpenApiSchema Schema, List<string> Types, Dictionary<string, string> Descriptions)>();
        foreach (var (type, publicProperties, secrets) in types)
        {
            foreach (var property in publicProperties.Where(p => p.Updatable))
            {
                if (!properties.TryGetValue(property.Name, out var entry)) properties[property.Name] = entry = (ValueSchema(property), [], []);
                // One name, several types (sftp's port, smb's optional one): null is accepted if one of them takes it.
                else if (property.Nullable) entry.Schema.Type |= JsonSchemaType.Null;
                entry.Types.Add(type);
                entry.Descriptions[type] = (property.Help ?? property.Label).TrimEnd('.');
            }
            foreach (var secret in secrets)
            {
                if (!properties.TryGetValue(secret.Name, out var entry))
                {
                    properties[secret.Name] = entry = (new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, WriteOnly = true, Description = $"{secret.Label} (secret: write-only)" }, [], []);
                }
                entry.Types.Add(type);
            }
        }
        var schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = $"The {title.ToLowerInvariant()} properties to change; a property of another type than the entity's is refused (400).",
            AdditionalPropertiesAllowed = false,
            Properties = new Dictionary<string, IOpenApiSchema>(),
        };
        foreach (var (name, (value, appliesTo, descriptions)) in properties)
        {
            // Types that describe the property differently each say theirs.
            var description = descriptions.Values.Distinct(StringComparer.Ordinal).Count() > 1
                ? string.Join(". ", descriptions.Select(d => $"{d.Key}: {d.Value}"))
                : value.Description?.TrimEnd('.');
            value.Description = $"{description}. Applies to types: {string.Join(", ", appliesTo)}.";
            value.Extensions = new Dictionary<string, IOpenApiExtension> { ["x-applies-to"] = new JsonNodeExtension(new JsonArray(appliesTo.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray())) };
            schema.Properties[name] = value;
        }
        return schema;
    }

    private static OpenApiSchema VerifySchema(EntityResource resource)
    {
        var secrets = resource.Types.SelectMany(t => t.Secrets.Select(s => (s.Name, Type: t.Name))).GroupBy(s => s.Name).ToList();
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "Which secret to check and the plain value to check it against.",
            Required = new HashSet<string> { "property", "value" },
            AdditionalPropertiesAllowed = false,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["property"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "The secret's name: " + string.Join("; ", secrets.Select(g => $"{g.Key} (types {string.Join(", ", g.Select(s => s.Type))})")) + ".",
                    Enum = secrets.Select(g => (JsonNode)JsonValue.Create(g.Key)!).ToList(),
                },
                ["value"] = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, Description = "The plain value." },
            },
        };
    }

    private static OpenApiSchema ValueSchema(PropertyDescriptor property) => new()
    {
        Type = JsonType(property.Kind) | (property.Nullable ? JsonSchemaType.Null : 0),
        Format = property.Kind switch { ValueKind.Identifier => "uuid", ValueKind.Timestamp => "date-time", _ => null },
        Description = property.Help ?? property.Label,
        Enum = (property.AllowedValues ?? (property.ClrType.IsEnum ? Enum.GetNames(property.ClrType) : null))?.Select(v => (JsonNode)JsonValue.Create(v)!).ToList(),
    };

    private static OpenApiSchema UserSchema()
    {
        var users = AccountCatalog.Users;
        var schema = new OpenApiSchema { Type = JsonSchemaType.Object, Title = users.Title, Properties = new Dictionary<string, IOpenApiSchema>(), Required = new HashSet<string>() };
        foreach (var property in users.Properties)
        {
            var value = ValueSchema(property);
            value.ReadOnly = !property.Updatable;
            schema.Properties[property.Name] = value;
            if (property.Name == "id") schema.Required.Add(property.Name);
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

    /// <summary>The one problem document (RFC 9457) every error answers.</summary>
    private static OpenApiSchema Problem() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 9457 problem document. `code` is stable and meant for programs; `title` and `detail` are for people.",
        Required = new HashSet<string> { "status", "title", "code" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A URI reference naming the problem type." },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Stable: e.g. invalid, not_found, forbidden, stale_version, locked_out, database_busy." },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "For 400: the messages per property name.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
            ["codes"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array, Description = "For 400: the stable code of each error.", Items = new OpenApiSchema { Type = JsonSchemaType.String },
            },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when reporting a problem." },
        },
    };

    private static OpenApiSchema TokenRequest() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "Sign in with client_id (login name) and client_secret (password), plus otp for an account with two-factor, or renew with refresh_token.",
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["client_id"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The login name." },
            ["client_secret"] = new OpenApiSchema { Type = JsonSchemaType.String, WriteOnly = true, Description = "The password." },
            ["otp"] = new OpenApiSchema { Type = JsonSchemaType.String, WriteOnly = true, Description = "For an account with two-factor: the authenticator app's current six-digit code (accepted once) or one of its recovery codes. Without it such an account gets 401 with code mfa_required." },
            ["refresh_token"] = new OpenApiSchema { Type = JsonSchemaType.String, WriteOnly = true, Description = "A refresh token from an earlier answer; replaces client_id and client_secret." },
            ["grant_type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Accepted and ignored (OAuth clients send it)." },
            ["scope"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Accepted and ignored." },
        },
    };

    private static JsonSchemaType JsonType(ValueKind kind) => kind switch
    {
        ValueKind.Integer => JsonSchemaType.Integer,
        ValueKind.Boolean => JsonSchemaType.Boolean,
        _ => JsonSchemaType.String,
    };
}
