using System.Net;
using System.Text.Json.Nodes;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.ConnectionChecks;

/// <summary>What the connection-check tests share: a portal, an Integrator's API session, PATCH then test.</summary>
public static class ConnectionCheckApi
{
    public static async Task<ApiSession> IntegratorAsync(PortalAppFactory factory) =>
        await ApiSession.SignInAsync(factory, "integrator", PortalAppFactory.DemoPassword);

    public static async Task PatchAsync(ApiSession api, string path, JsonObject body)
    {
        var response = await api.PatchAsync(path, body.ToJsonString());
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"PATCH {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>POSTs the test and returns the answer (always 200).</summary>
    public static async Task<JsonObject> TestAsync(ApiSession api, string path)
    {
        var response = await api.PostAsync(path + "/connection/test", "");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}/connection/test: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>POSTs the test and asserts its result (the failure message names the path and the detail); returns the answer.</summary>
    public static async Task<JsonObject> ExpectAsync(ApiSession api, string path, string result)
    {
        var answer = await TestAsync(api, path);
        Assert.True(Result(answer) == result, $"{path}: {Detail(answer)}");
        return answer;
    }

    public static string Result(JsonObject answer) => (string)answer["result"]!;
    public static string Detail(JsonObject answer) => (string)answer["detail"]!;
}
