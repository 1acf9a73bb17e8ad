using System.Text.Json.Nodes;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Organisations;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Http.HttpResults;

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
        orgs.MapGet("/{org}/users", ListAsync).WithSummary("The organisation's users, people and machines, with their org role.");
        orgs.MapPost("/{org}/machineUsers", AddAsync)
            .WithSummary("Add a machine user. The password is returned only when the server generated it, in this one response.");

        api.MapGroup("/machineUsers").WithTags("Machine users")
            .MapPut("/{user}/password", SetPasswordAsync)
            .WithSummary("Set a machine user's password (by account id or name). 204 on success.");
        return api;
    }

    private static JsonObject Row(OrgUserRow row) => new()
    {
        ["id"] = row.Id,
        ["name"] = row.Name,
        ["email"] = row.Email ?? "",
        ["created"] = row.Created,
        ["status"] = row.Status,
        ["role"] = row.Role,
    };

    private static async Task<IResult> ListAsync(HttpContext http, MachineUserAccounts machines, string org)
    {
        if (!Identifiers.TryParseNumber(org, out var orgId)) return ApiProblems.NotFound($"Organisation '{org}'");
        var caller = ApiCaller.Actor(http);
        if (!await machines.MayAccessOrgAsync(caller.UserId, ApiCaller.Roles(http), orgId, manage: false, http.RequestAborted))
        {
            return ApiProblems.Forbidden("You are not a member of this organisation.");
        }
        var result = await machines.ListOrgUsersAsync(orgId, http.RequestAborted);
        return result.Succeeded
            ? TypedResults.Ok(new JsonArray(result.Value!.Select(r => (JsonNode)Row(r)).ToArray()))
            : ApiProblems.NotFound($"Organisation {orgId}");
    }

    private static async Task<IResult> AddAsync(HttpContext http, MachineUserAccounts machines, string org)
    {
        if (!Identifiers.TryParseNumber(org, out var orgId)) return ApiProblems.NotFound($"Organisation '{org}'");
        var caller = ApiCaller.Actor(http);
        if (!await machines.MayAccessOrgAsync(caller.UserId, ApiCaller.Roles(http), orgId, manage: true, http.RequestAborted))
        {
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
        foreach (var unknown in body.Value.Select(p => p.Key).Except(["name", "accountId", "password", "role"]))
        {
            errors.Add(unknown, $"'{unknown}' is not a property of a machine user.", "unknown_property");
        }
        var name = Text("name");
        var password = Text("password");
        var role = Text("role");
        if (errors.Any) return ApiProblems.Invalid(errors);

        var result = await machines.AddAsync(caller, orgId, name, accountId, password, role, http.RequestAborted);
        switch (result.Status)
        {
            case DomainStatus.Ok:
                var json = Row(result.Value!.User);
                if (result.Value.GeneratedPassword is { } generated) json["password"] = generated;
                http.Response.Headers.CacheControl = "no-store"; // the generated password must not be cached anywhere
                return TypedResults.Created($"{http.Request.PathBase}{ApiEndpoints.BasePathOf(http)}/machineUsers/{result.Value.User.Id}", json);
            case DomainStatus.NotFound:
                return ApiProblems.NotFound($"Organisation {orgId}");
            case DomainStatus.Duplicate:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: result.Message);
            default:
                return ApiProblems.Invalid(result.Errors!);
        }
    }

    private static async Task<IResult> SetPasswordAsync(HttpContext http, MachineUserAccounts machines, PeopleCredentials people, string user)
    {
        var target = await machines.FindAsync(user, http.RequestAborted);
        if (target is null) return ApiProblems.NotFound($"Machine user '{user}'");
        var caller = ApiCaller.Actor(http);
        var allowed = caller.UserId == target.Id; // a machine user rotates its own password
        foreach (var orgId in allowed ? [] : await machines.OrgsOfAsync(target.Id, http.RequestAborted))
        {
            if (await machines.MayAccessOrgAsync(caller.UserId, ApiCaller.Roles(http), orgId, manage: true, http.RequestAborted)) { allowed = true; break; }
        }
        // Organisation 0 does not exist: this asks only whether the caller's portal role manages every organisation.
        if (!allowed && !(await machines.MayAccessOrgAsync(caller.UserId, ApiCaller.Roles(http), 0, manage: true, http.RequestAborted)))
        {
            return ApiProblems.Forbidden("You may set the password of your own account or of machine users in organisations you administer.");
        }
        var body = await ApiBody.ReadObjectAsync(http, allowMergePatch: false);
        if (body.Problem is not null) return body.Problem;
        if (body.Value!["password"] is not JsonValue v || !v.TryGetValue<string>(out var password) || password.Length == 0)
        {
            return ApiProblems.Invalid(new DomainErrors().Add("password", "Send the new password as {\"password\": \"…\"}.", "required"));
        }
        var result = await people.SetPasswordAsync(caller, target.Id, password, http.RequestAborted);
        return result.Status switch
        {
            DomainStatus.Ok => TypedResults.NoContent(),
            DomainStatus.NotFound => ApiProblems.NotFound($"Machine user '{user}'"),
            _ => ApiProblems.Invalid(result.Errors ?? new DomainErrors().Add("password", result.Message ?? "Refused.")),
        };
    }
}
