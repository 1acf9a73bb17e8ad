using System.Text.Json.Nodes;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.ConnectionChecks;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Verification;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CredentialPortal.Api;

/// <summary>
/// One endpoint group per connector resource of the catalog (<c>adSyncProfiles</c>, <c>storageTargets</c>,
/// <c>importSources</c>): list, get, PATCH, verify. The catalog decides the properties; the domain decides the rules.
/// </summary>
public static class CredentialEntityEndpoints
{
    public static RouteGroupBuilder MapCredentialEntityEndpoints(this RouteGroupBuilder api)
    {
        foreach (var resource in EntityCatalog.Resources)
        {
            var group = api.MapGroup("/" + resource.Name).WithTags(resource.PluralTitle);
            group.MapGet("/", (HttpContext http, ConnectorCredentials connectors, ConnectionChecker checker, int? offset, int? limit, string? after, string? type, string? search) =>
                    ListAsync(http, connectors, checker, resource, offset, limit, after, type, search))
                .RequirePermission(Permission.ReadCredentials)
                .DescribedAs(resource.Name, resource.Title, CredentialOperationKind.List)
                .WithSummary($"List {resource.PluralTitle.ToLowerInvariant()} (public properties only).");
            group.MapGet("/{id}", (HttpContext http, ConnectorCredentials connectors, ConnectionChecker checker, string id) => GetAsync(http, connectors, checker, resource, id))
                .RequirePermission(Permission.ReadCredentials)
                .DescribedAs(resource.Name, resource.Title, CredentialOperationKind.Get)
                .WithSummary($"Get one {resource.Title.ToLowerInvariant()}.");
            group.MapPatch("/{id}", (HttpContext http, ConnectorCredentials connectors, string id) => PatchAsync(http, connectors, resource, id))
                .RequirePermission(Permission.ChangeCredentials)
                .DescribedAs(resource.Name, resource.Title, CredentialOperationKind.Patch)
                .WithSummary($"Change a {resource.Title.ToLowerInvariant()}'s sent properties (secrets included), all or nothing.");
            group.MapPost("/{id}/password/verify", (HttpContext http, ConnectorCredentials connectors, TimeProvider clock, string id) =>
                    VerifyAsync(http, connectors, clock, resource, id))
                .RequireRateLimiting(ApiEndpoints.VerifyRateLimitPolicy)
                .RequirePermission(Permission.VerifyCredentials)
                .DescribedAs(resource.Name, resource.Title, CredentialOperationKind.Verify)
                .WithSummary($"Check a plain value against a {resource.Title.ToLowerInvariant()}'s stored secret: true or false.");
            group.MapPost("/{id}/connection/test", (HttpContext http, ConnectionChecker checker, string id) => TestConnectionAsync(http, checker, resource, id))
                .RequirePermission(Permission.TestConnections)
                .WithName($"test{OpenApiDocumentation.SingularName(resource.Title)}Connection")
                .WithSummary("Check the stored credential against the entity's target now: ok, rejected, unreachable, misconfigured or unsupported.")
                .Produces<ConnectionTestAnswer>(StatusCodes.Status200OK)
                .ProducesProblem(StatusCodes.Status403Forbidden)
                .ProducesProblem(StatusCodes.Status404NotFound);
        }
        return api;
    }

    private static async Task<Results<Ok<JsonArray>, ProblemHttpResult>> ListAsync(
        HttpContext http, ConnectorCredentials connectors, ConnectionChecker checker, EntityResource resource, int? offset, int? limit, string? after, string? type, string? search)
    {
        if (ApiPaging.Check(offset, limit, after, c => ConnectorCredentials.IsCursorOf(resource, c), out var cursor) is { } problem) return problem;
        if (!string.IsNullOrEmpty(type) && resource.FindType(type) is null)
        {
            return ApiProblems.BadRequest($"'{type}' is not a type of {resource.Name}. Types: {string.Join(", ", resource.Types.Select(t => t.Name))}.");
        }
        var pageSize = limit ?? ConnectorCredentials.DefaultPageSize;
        var page = await connectors.ListAsync(resource, type, search, offset ?? 0, pageSize, cursor, cancellationToken: http.RequestAborted);
        http.Response.Headers["X-Total-Count"] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ApiPaging.LinkNext(http, page.Next, pageSize);
        var items = new List<JsonNode>(page.Items.Count);
        foreach (var item in page.Items)
        {
            items.Add(ApiRepresentation.Of(item, await checker.LastCheckAsync(resource, item.Id, http.RequestAborted)));
        }
        return TypedResults.Ok(new JsonArray(items.ToArray()));
    }

    private static async Task<IResult> GetAsync(HttpContext http, ConnectorCredentials connectors, ConnectionChecker checker, EntityResource resource, string id)
    {
        var entity = await connectors.GetAsync(resource, id, http.RequestAborted);
        if (entity is null) return ApiProblems.NotFound($"{resource.Title} '{id}'");
        http.Response.Headers.ETag = ApiBody.ETag(entity.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (await checker.LastCheckAsync(resource, entity.Id, http.RequestAborted) is { } last)
        {
            return TypedResults.Ok(ApiRepresentation.Of(entity, last));
        }
        // Snapshots are immutable, so each one is serialised once and its bytes reused for every read.
        return TypedResults.Bytes(ApiRepresentation.Utf8Of(entity), "application/json; charset=utf-8");
    }

    private static async Task<IResult> PatchAsync(HttpContext http, ConnectorCredentials connectors, EntityResource resource, string id)
    {
        int? expected = null;
        if (ApiBody.IfMatch(http.Request) is { } tag)
        {
            if (!int.TryParse(tag, out var version)) return ApiProblems.PreconditionFailed("The If-Match value is not an ETag this API issued.");
            expected = version;
        }
        var body = await ApiBody.ReadObjectAsync(http, allowMergePatch: true);
        if (body.Problem is not null) return body.Problem;

        var result = await connectors.PatchAsync(ApiCaller.Actor(http), resource, id, body.Value!.ToDictionary(p => p.Key, p => p.Value), expected, http.RequestAborted);
        return result.Succeeded ? WithETag(http, result.Value!) : ApiProblems.For(result);
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, ConnectorCredentials connectors, TimeProvider clock, EntityResource resource, string id)
    {
        var body = await ApiBody.ReadObjectAsync(http, allowMergePatch: false);
        if (body.Problem is not null) return body.Problem;
        var errors = new DomainErrors();
        string? Text(string name)
        {
            if (body.Value![name] is JsonValue v && v.TryGetValue<string>(out var s)) return s;
            errors.Add(name, $"Send '{name}' as a string.", "required");
            return null;
        }
        var property = Text("property");
        var value = Text("value");
        if (errors.Any) return ApiProblems.Invalid(errors);

        var result = await connectors.VerifyAsync(ApiCaller.Actor(http), resource, id, property!, value!, http.RequestAborted);
        if (!result.Succeeded) return ApiProblems.For(result);
        return result.Value!.Result == VerificationResult.Refused
            ? ApiProblems.LockedOut(result.Value.LockedUntil!.Value, clock, http)
            : TypedResults.Ok(result.Value.Matches);
    }

    /// <summary>The answer of a connection test, for the OpenAPI document (the body is built by ApiRepresentation).</summary>
    public sealed record ConnectionTestAnswer(string Result, string Detail, DateTime CheckedAt, long DurationMs);

    private static async Task<IResult> TestConnectionAsync(HttpContext http, ConnectionChecker checker, EntityResource resource, string id)
    {
        var result = await checker.TestAsync(ApiCaller.Actor(http), resource, id, http.RequestAborted);
        // Any result is an answer (a rejected credential is what the caller asked to learn), never an error status.
        return result.Succeeded ? TypedResults.Ok(ApiRepresentation.Of(result.Value!)) : ApiProblems.For(result);
    }

    private static Ok<JsonObject> WithETag(HttpContext http, EntitySnapshot entity)
    {
        http.Response.Headers.ETag = ApiBody.ETag(entity.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return TypedResults.Ok(ApiRepresentation.Of(entity));
    }
}
