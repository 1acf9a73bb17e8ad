using System.Text.Json.Nodes;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Users;
using CredentialPortal.Domain.Verification;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CredentialPortal.Api;

/// <summary><c>/users</c>: people's accounts. Local users' passwords can be set and verified; AD-synchronised ones are read-only.</summary>
public static class UserEndpoints
{
    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/users").WithTags("Users");
        group.MapGet("/", ListAsync).RequirePermission(Permission.ReadPeople).DescribedAs(AccountCatalog.Users.Resource, AccountCatalog.Users.Title, CredentialOperationKind.List).WithSummary("List users (public properties only).");
        group.MapGet("/{id}", GetAsync).RequirePermission(Permission.ReadPeople).DescribedAs(AccountCatalog.Users.Resource, AccountCatalog.Users.Title, CredentialOperationKind.Get).WithSummary("Get one user.");
        // Helpdesk holds SetPasswords but not EditPeople: the domain refuses the other properties for it.
        group.MapPatch("/{id}", PatchAsync).RequirePermission(Permission.SetPasswords).DescribedAs(AccountCatalog.Users.Resource, AccountCatalog.Users.Title, CredentialOperationKind.Patch)
            .WithSummary("Change displayName, email or password (local users), all or nothing.");
        group.MapPost("/{id}/password/verify", VerifyAsync)
            .RequireRateLimiting(ApiEndpoints.VerifyRateLimitPolicy)
            .RequirePermission(Permission.VerifyPasswords)
            .DescribedAs(AccountCatalog.Users.Resource, AccountCatalog.Users.Title, CredentialOperationKind.Verify, secretWord: "Password")
            .WithSummary("Check a plain password (the raw request body) against the user's: true or false.");
        return api;
    }

    private static async Task<Results<Ok<JsonArray>, ProblemHttpResult>> ListAsync(HttpContext http, PeopleCredentials people, int? offset, int? limit, string? after, string? search)
    {
        var filter = new UserQuery(Search: search);
        if (ApiPaging.Check(offset, limit, after, c => PeopleCredentials.IsCursorFor(filter, c), out var cursor) is { } problem) return problem;
        var pageSize = limit ?? Domain.Connectors.ConnectorCredentials.DefaultPageSize;
        var page = await people.ListPageAsync(filter, offset ?? 0, cursor, pageSize, http.RequestAborted);
        http.Response.Headers["X-Total-Count"] = page.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ApiPaging.LinkNext(http, page.Next, pageSize);
        return TypedResults.Ok(new JsonArray(page.Items.Select(u => (JsonNode)ApiRepresentation.Of(u)).ToArray()));
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> GetAsync(HttpContext http, PeopleCredentials people, string id)
    {
        var user = ParseId(id) is { } key ? await people.GetAsync(key, http.RequestAborted) : null;
        if (user is null) return ApiProblems.NotFound($"User '{id}'");
        http.Response.Headers.ETag = ApiBody.ETag(user.Version);
        return TypedResults.Ok(ApiRepresentation.Of(user));
    }

    private static async Task<IResult> PatchAsync(HttpContext http, PeopleCredentials people, string id)
    {
        var body = await ApiBody.ReadObjectAsync(http, allowMergePatch: true);
        if (body.Problem is not null) return body.Problem;
        var patch = body.Value!.ToDictionary(p => p.Key, p => p.Value);
        if (ParseId(id) is not { } key) return ApiProblems.NotFound($"User '{id}'");
        var result = await people.PatchAsync(ApiCaller.Actor(http), key, patch, ApiBody.IfMatch(http.Request), http.RequestAborted);
        if (!result.Succeeded) return ApiProblems.For(result);
        http.Response.Headers.ETag = ApiBody.ETag(result.Value!.Version);
        return TypedResults.Ok(ApiRepresentation.Of(result.Value));
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, PeopleCredentials people, TimeProvider clock, string id)
    {
        string password;
        if (ApiBody.IsJson(http.Request, allowMergePatch: false))
        {
            // As JSON the body must be a string: "new plain password".
            var json = await ApiBody.ReadJsonAsync(http);
            if (json.Problem is not null) return json.Problem;
            if (json.Value is not JsonValue value || !value.TryGetValue<string>(out var text))
            {
                return ApiProblems.BadRequest("With Content-Type application/json the body must be a JSON string; or send the password as plain text.");
            }
            password = text;
        }
        else
        {
            var text = await ApiBody.ReadTextAsync(http);
            if (text.Problem is not null) return text.Problem;
            // Tools that send a file add one line break; a password never ends with one.
            password = text.Value!.EndsWith("\r\n", StringComparison.Ordinal) ? text.Value[..^2]
                : text.Value.EndsWith('\n') ? text.Value[..^1]
                : text.Value;
        }
        if (password.Length == 0) return ApiProblems.BadRequest("Send the plain password as the request body.");
        if (ParseId(id) is not { } key) return ApiProblems.NotFound($"User '{id}'");

        var result = await people.VerifyAsync(ApiCaller.Actor(http), key, password, http.RequestAborted);
        if (!result.Succeeded) return ApiProblems.For(result);
        return result.Value!.Result == VerificationResult.Refused
            ? ApiProblems.LockedOut(result.Value.LockedUntil!.Value, clock, http)
            : TypedResults.Ok(result.Value.Matches);
    }

    private static int? ParseId(string id) => Identifiers.ParseNumber(id);
}
