using System.Text.Json.Nodes;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.ServerConfiguration;

namespace CredentialPortal.Api;

/// <summary>
/// Server configuration (docs/design.md §4.8): servers, profiles, values by <c>settingPath</c>, differences and their resolution,
/// configuration tasks, and the three calls a server agent makes. Secret values never appear in an answer.
/// </summary>
public static class ServerConfigurationEndpoints
{
    public static RouteGroupBuilder MapServerConfigurationEndpoints(this RouteGroupBuilder api)
    {
        var servers = api.MapGroup("/servers").WithTags("Server configuration");
        servers.MapGet("/", ListServersAsync).RequirePermission(Permission.ReadServers).WithName("listServers").WithSummary("List the servers with their roles, differences and task counts.");
        servers.MapGet("/{name}", GetServerAsync).RequirePermission(Permission.ReadServers).WithName("getServer").WithSummary("Get one server.");
        servers.MapGet("/{name}/configuration", (HttpContext http, ConfigurationValues store, string name, string? settingPath) => ServerValuesAsync(http, store, name, settingPath)).RequirePermission(Permission.ReadServers).WithName("getServerConfiguration").WithSummary("The server's configuration values (or the one at settingPath); secret values never appear.");
        servers.MapPut("/{name}/configuration", (HttpContext http, ConfigurationValues store, string name, string? settingPath) => SetServerValueAsync(http, store, name, settingPath, remove: false)).RequirePermission(Permission.ChangeServers).WithName("setServerConfigurationValue").WithSummary("Set a server-specific value at settingPath (body: the value as JSON). Creates a task for the server.");
        servers.MapDelete("/{name}/configuration", (HttpContext http, ConfigurationValues store, string name, string? settingPath) => SetServerValueAsync(http, store, name, settingPath, remove: true)).RequirePermission(Permission.ChangeServers).WithName("removeServerConfigurationValue").Produces(StatusCodes.Status204NoContent).WithSummary("Remove the server-specific value at settingPath, so the profile value applies again.");
        servers.MapGet("/{name}/configurationDifferences", DifferencesAsync).RequirePermission(Permission.ReadServers).WithName("listServerConfigurationDifferences").WithSummary("Where the registry the agent reported differs from the database.");
        servers.MapPost("/{name}/configurationDifferences/resolve", ResolveAsync).RequirePermission(Permission.ChangeServers).WithName("resolveServerConfigurationDifferences").WithSummary("Resolve differences: per path, keep the database value or take the registry value.");
        servers.MapGet("/{name}/configurationTasks", TasksAsync).RequirePermission(Permission.ReadServers).WithName("listServerConfigurationTasks").WithSummary("The server's configuration tasks and their status.");
        servers.MapPost("/{name}/configurationTasks", ApplyAsync).RequirePermission(Permission.ChangeServers).WithName("applyServerConfigurationTasks").WithSummary("Apply all pending tasks: release them to the server's agent.");
        servers.MapPut("/{name}/agent/registry", ReportAsync).RequirePermission(Permission.ChangeServers).WithName("reportAgentRegistry").Produces(StatusCodes.Status204NoContent).WithSummary("Agent: report the registry's current values and the agent's public key.");
        servers.MapGet("/{name}/agent/tasks", AgentTasksAsync).RequirePermission(Permission.ChangeServers).WithName("listAgentTasks").WithSummary("Agent: the released tasks; secret values sealed for the agent's key.");
        servers.MapPost("/{name}/agent/tasks/{taskId}", CompleteAsync).RequirePermission(Permission.ChangeServers).WithName("completeAgentTask").Produces(StatusCodes.Status204NoContent).WithSummary("Agent: report a task's outcome.");

        var profiles = api.MapGroup("/configurationProfiles").WithTags("Server configuration");
        profiles.MapGet("/", async (HttpContext http, ConfigurationValues store) =>
                TypedResults.Ok((await store.ListProfilesAsync(http.RequestAborted)).Select(p => new { p.Id, p.Name, p.Role })))
            .RequirePermission(Permission.ReadServers).WithName("listConfigurationProfiles").WithSummary("List the configuration profiles.");
        profiles.MapGet("/{id}/configuration", ProfileValuesAsync).RequirePermission(Permission.ReadServers).WithName("getConfigurationProfileConfiguration").WithSummary("The profile's configuration values (or the one at settingPath).");
        profiles.MapPut("/{id}/configuration", SetProfileValueAsync).RequirePermission(Permission.ChangeServers).WithName("setConfigurationProfileValue").WithSummary("Set a profile value (body: the value as JSON). Creates a task per affected server.");
        return api;
    }


    private static object Json(ServerState s) => new
    {
        name = s.Server.Name, host = s.Server.Host, roles = s.Server.RoleList, differences = s.Differences,
        pendingTasks = s.PendingTasks, applyingTasks = s.ApplyingTasks, agentLastSeen = s.Server.AgentLastSeen,
    };

    private static object Json(SettingValue v) => new { path = v.Path, type = v.Type.ToString().ToLowerInvariant(), value = v.Value, isSet = v.IsSet, changedAt = v.ChangedAt, source = v.Source };

    private static IResult Failure<T>(DomainResult<T> result) => ApiProblems.For(result);

    private static async Task<IResult> ListServersAsync(HttpContext http, ConfigurationTasks store) =>
        TypedResults.Ok((await store.ListServersAsync(http.RequestAborted)).Select(Json));

    private static async Task<IResult> GetServerAsync(HttpContext http, ConfigurationTasks store, string name)
    {
        var state = await store.GetServerStateAsync(name, http.RequestAborted);
        return state is null ? ApiProblems.NotFound($"Server '{name}'") : TypedResults.Ok(Json(state));
    }

    private static async Task<IResult> ProfileValuesAsync(HttpContext http, ConfigurationValues store, string id, string? settingPath)
    {
        if (Identifiers.ParseNumber(id) is not { } profileId || (await store.ListProfilesAsync(http.RequestAborted)).All(p => p.Id != profileId))
        {
            return ApiProblems.NotFound($"Configuration profile '{id}'");
        }
        return Values(await store.ValuesAsync(profileId, null, http.RequestAborted), settingPath);
    }

    private static async Task<IResult> ServerValuesAsync(HttpContext http, ConfigurationValues store, string name, string? settingPath)
    {
        var server = await store.FindServerAsync(name, http.RequestAborted);
        if (server is null) return ApiProblems.NotFound($"Server '{name}'");
        return Values(await store.ValuesAsync(null, server.Id, http.RequestAborted), settingPath);
    }

    private static IResult Values(IReadOnlyList<SettingValue> values, string? settingPath)
    {
        if (settingPath is null) return TypedResults.Ok(values.Select(Json));
        var value = values.FirstOrDefault(v => v.Path == settingPath);
        return value is null ? ApiProblems.NotFound($"Setting '{settingPath}'") : TypedResults.Ok(Json(value));
    }

    private static async Task<IResult> SetProfileValueAsync(HttpContext http, ConfigurationValues store, string id, string? settingPath)
    {
        if (Identifiers.ParseNumber(id) is not { } profileId) return ApiProblems.NotFound($"Configuration profile '{id}'");
        if (string.IsNullOrEmpty(settingPath)) return ApiProblems.BadRequest("Say which setting: ?settingPath=\\Verba\\…");
        var body = await ApiBody.ReadJsonAsync(http);
        if (body.Problem is not null) return body.Problem;
        var result = await store.SetProfileValueAsync(ApiCaller.Actor(http), profileId, settingPath, body.Value, http.RequestAborted);
        return result.Succeeded ? TypedResults.Ok(new { tasksCreated = result.Value }) : Failure(result);
    }

    private static async Task<IResult> SetServerValueAsync(HttpContext http, ConfigurationValues store, string name, string? settingPath, bool remove)
    {
        if (string.IsNullOrEmpty(settingPath)) return ApiProblems.BadRequest("Say which setting: ?settingPath=\\Verba\\…");
        JsonNode? value = null;
        if (!remove)
        {
            var body = await ApiBody.ReadJsonAsync(http);
            if (body.Problem is not null) return body.Problem;
            value = body.Value;
        }
        var result = await store.SetServerValueAsync(ApiCaller.Actor(http), name, settingPath, value, remove, http.RequestAborted);
        return result.Succeeded ? (remove ? TypedResults.NoContent() : TypedResults.Ok(new { tasksCreated = result.Value })) : Failure(result);
    }

    private static async Task<IResult> DifferencesAsync(HttpContext http, ConfigurationDifferences store, string name)
    {
        var result = await store.DifferencesAsync(name, http.RequestAborted);
        return result.Succeeded
            ? TypedResults.Ok(result.Value!.Select(d => new { path = d.Path, valueRegistry = d.ValueRegistry, valueDb = d.ValueDb, serverCustom = d.ServerCustom }))
            : Failure(result);
    }

    private static async Task<IResult> ResolveAsync(HttpContext http, ConfigurationDifferences store, string name)
    {
        var body = await ApiBody.ReadJsonAsync(http);
        if (body.Problem is not null) return body.Problem;
        var choices = new List<(string, bool)>();
        var errors = new DomainErrors();
        if (body.Value is not JsonArray items || items.Count == 0) return ApiProblems.BadRequest("Send [{\"path\": \"…\", \"use\": \"db\" | \"registry\"}, …].");
        foreach (var item in items)
        {
            var path = (item as JsonObject)?["path"] is JsonValue p && p.TryGetValue<string>(out var pathText) ? pathText : null;
            var use = (item as JsonObject)?["use"] is JsonValue u && u.TryGetValue<string>(out var useText) ? useText : null;
            if (path is null || use is not ("db" or "registry")) errors.Add(path ?? "(item)", "Each item needs a 'path' and 'use': \"db\" or \"registry\".", "invalid");
            else choices.Add((path, use == "db"));
        }
        if (errors.Any) return ApiProblems.Invalid(errors);
        var result = await store.ResolveAsync(ApiCaller.Actor(http), name, choices, http.RequestAborted);
        return result.Succeeded ? TypedResults.Ok(new { resolved = result.Value }) : Failure(result);
    }

    private static async Task<IResult> TasksAsync(HttpContext http, ConfigurationTasks store, string name)
    {
        var result = await store.TasksAsync(name, http.RequestAborted);
        return result.Succeeded
            ? TypedResults.Ok(result.Value!.Select(t => new
            {
                id = t.Id, status = t.Status.ToString().ToLowerInvariant(), createdAt = t.CreatedAt, appliedAt = t.AppliedAt, completedAt = t.CompletedAt, message = t.Message,
                actions = t.Actions.Select(a => new { path = a.Path, services = a.Services.Split(',', StringSplitOptions.RemoveEmptyEntries) }),
            }))
            : Failure(result);
    }

    private static async Task<IResult> ApplyAsync(HttpContext http, ConfigurationTasks store, string name)
    {
        var result = await store.ApplyAsync(ApiCaller.Actor(http), name, http.RequestAborted);
        return result.Succeeded ? TypedResults.Ok(new { applied = result.Value }) : Failure(result);
    }

    private static async Task<IResult> ReportAsync(HttpContext http, AgentChannel store, string name)
    {
        var body = await ApiBody.ReadObjectAsync(http, allowMergePatch: false);
        if (body.Problem is not null) return body.Problem;
        var key = body.Value!["publicKey"] is JsonValue k && k.TryGetValue<string>(out var keyText) ? keyText : null;
        if (key is null || body.Value["values"] is not JsonObject values) return ApiProblems.BadRequest("Send {\"publicKey\": \"…\", \"values\": {\"path\": \"value\", …}}.");
        var registry = new Dictionary<string, string>();
        foreach (var (path, node) in values)
        {
            if (node is JsonValue v && v.TryGetValue<string>(out var text)) registry[path] = text;
            else return ApiProblems.BadRequest($"The registry value of '{path}' must be a string.");
        }
        var result = await store.ReportRegistryAsync(ApiCaller.Actor(http), name, key, registry, http.RequestAborted);
        return result.Succeeded ? TypedResults.NoContent() : Failure(result);
    }

    private static async Task<IResult> AgentTasksAsync(HttpContext http, AgentChannel store, string name)
    {
        var result = await store.AgentTasksAsync(ApiCaller.Actor(http), name, http.RequestAborted);
        return result.Succeeded
            ? TypedResults.Ok(result.Value!.Select(t => new { taskId = t.TaskId, actions = t.Actions.Select(a => new { path = a.Path, value = a.Value, sealedValue = a.SealedValue, services = a.Services }) }))
            : Failure(result);
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, AgentChannel store, string name, string taskId)
    {
        if (Identifiers.ParseNumber(taskId) is not { } task) return ApiProblems.NotFound($"Configuration task '{taskId}'");
        var body = await ApiBody.ReadObjectAsync(http, allowMergePatch: false);
        if (body.Problem is not null) return body.Problem;
        if (body.Value!["succeeded"] is not JsonValue s || !s.TryGetValue<bool>(out var succeeded)) return ApiProblems.BadRequest("Send {\"succeeded\": true|false, \"message\": \"…\"}.");
        var message = body.Value["message"] is JsonValue m && m.TryGetValue<string>(out var text) ? text : null;
        var result = await store.CompleteTaskAsync(ApiCaller.Actor(http), name, task, succeeded, message, http.RequestAborted);
        return result.Succeeded ? TypedResults.NoContent() : Failure(result);
    }
}
