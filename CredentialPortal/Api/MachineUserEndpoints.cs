using System.Text.Json.Nodes;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Organisations;

namespace CredentialPortal.Api;

/// <summary>
/// Organisations and machine users (docs/design.md §4.7, what the <c>unify</c> CLI calls): <c>GET /orgs/{org}/users</c>,
/// <c>POST /orgs/{org}/machineUsers</c>, <c>PUT /machineUsers/{user}/password</c>.
/// </summary>
public static class MachineUserEndpoints
{
    public static RouteGroupBuilder MapMachineUserEndpoints(this RouteGroupBuilder api)
    {
        var orgs = api.MapGroup("/orgs").WithTags("Organisations");
        orgs.MapGet("/{org}/users", ListAsync).RequirePermission(Permission.ReadOrganisation).WithName("listOrganisationUsers").WithSummary("The organisation's users, people and machines, with their org role.");
        orgs.MapPost("/{org}/machineUsers", AddAsync)
            .RequirePermission(Permission.ManageMachineUsers)
            .WithName("addMachineUser")
            .Produces<System.Text.Json.Nodes.JsonObject>(StatusCodes.Status201Created)
            .WithSummary("Add a machine user. The password is returned only when the server generated it, in this one response.");

        api.MapGroup("/machineUsers").WithTags("Machine users")
            .MapPut("/{user}/password", SetPasswordAsync)
            .RequirePermission(Permission.ManageMachineUsers)
            .WithName("setMachineUserPassword")
            .Produces(StatusCodes.Status204NoContent)
            .WithSummary("Set a machine user's password (by account id or name). 204 on success.");
        return api;
    }

    private static JsonObject Row(OrgUserRow row) => ApiRepresentation.Of(row);

    private static async Task<IResult> ListAsync(HttpContext http, MachineUserAccounts machines, string org)
    {
        if (!Identifiers.TryParseNumber(org, out var orgId)) return ApiProblems.NotFound($"Organisation '{org}'");
        var result = await machines.ListOrgUsersAsync(ApiCaller.Actor(http), orgId, http.RequestAborted);
        return result.Succeeded
            ? TypedResults.Ok(new JsonArray(result.Value!.Select(r => (JsonNode)Row(r)).ToArray()))
            : ApiProblems.For(result);
    }

    private static async Task<IResult> AddAsync(HttpContext http, MachineUserAccounts machines, string org)
    {
        if (!Identifiers.TryParseNumber(org, out var orgId)) return ApiProblems.NotFound($"Organisation '{org}'");
        var caller = ApiCaller.Actor(http);
        if (!await machines.MayAsync(caller, Permission.ManageMachineUsers, orgId, http.RequestAborted))
        {
            // Refused before the body is read, so a refusal does not depend on what was sent.
            return ApiProblems.Forbidden("Only administrators and the organisation's Admin members add machine users.");
        }
        var body = await ApiBody.ReadObjectAsync(http, allowMergePatch: false);
        if (body.Problem is not null) return body.Problem;

        var errors = new DomainErrors();
        string? Text(string name)
        {
            var node = body.Value![name];
            if (node is null) return null;
            if (node is JsonValue v && v.TryGetValue<string>(out var s)) return s;
            errors.Add(name, $"'{name}' must be a string.", "wrong_type");
            return null;
        }
        int? accountId = null;
        switch (body.Value!["accountId"])
        {
            case null: break;
            case JsonValue v when v.TryGetValue<int>(out var number): accountId = number; break;
            case JsonValue v when v.TryGetValue<string>(out var text) && int.TryParse(text, out var parsed): accountId = parsed; break;
            default: errors.Add("accountId", "'accountId' must be a whole number.", "wrong_type"); break;
        }
        var allowed = AccountCatalog.NewMachineUser;
        foreach (var unknown in body.Value.Select(p => p.Key).Where(k => allowed.FindProperty(k) is null && allowed.FindSecret(k) is null))
        {
            errors.Add(unknown, $"'{unknown}' is not a property of a machine user.", "unknown_property");
        }
        var name = Text("name");
        var password = Text("password");
        var role = Text("role");
        if (errors.Any) return ApiProblems.Invalid(errors);

        var result = await machines.AddAsync(caller, orgId, name, accountId, password, role, http.RequestAborted);
        if (!result.Succeeded) return ApiProblems.For(result);
        var json = Row(result.Value!.User);
        if (result.Value.GeneratedPassword is { } generated) json[AccountCatalog.Password] = generated;
        http.Response.Headers.CacheControl = "no-store"; // the generated password must not be cached anywhere
        return TypedResults.Created($"{http.Request.PathBase}{ApiEndpoints.BasePathOf(http)}/machineUsers/{result.Value.User.Id}", json);
    }

    private static async Task<IResult> SetPasswordAsync(HttpContext http, MachineUserAccounts machines, string user)
    {
        var body = await ApiBody.ReadObjectAsync(http, allowMergePatch: false);
        if (body.Problem is not null) return body.Problem;
        if (body.Value![AccountCatalog.Password] is not JsonValue v || !v.TryGetValue<string>(out var password) || password.Length == 0)
        {
            return ApiProblems.Invalid(new DomainErrors().Add(AccountCatalog.Password, "Send the new password as {\"password\": \"…\"}.", "required"));
        }
        var result = await machines.SetPasswordAsync(ApiCaller.Actor(http), user, password, http.RequestAborted);
        return result.Succeeded ? TypedResults.NoContent() : ApiProblems.For(result);
    }
}
