using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Api;

/// <summary>An HTTP client for the v1 API with a bearer token, and a record of every response body (for the leak scan).</summary>
public sealed class ApiSession
{
    public const string Base = "/verba/restapi/v1";
    public static readonly List<string> AllBodies = [];

    private ApiSession(HttpClient client) => Client = client;

    public HttpClient Client { get; }

    public static Task<ApiSession> SignInAsync(PortalAppFactory factory, string login, string password) =>
        SignInAsync(factory.CreateClient(new() { AllowAutoRedirect = false }), login, password);

    /// <summary>For a portal served on a real socket (StartOnLoopback): a plain client at its address.</summary>
    public static Task<ApiSession> SignInAsync(Uri address, string login, string password) =>
        SignInAsync(new HttpClient { BaseAddress = address }, login, password);

    private static async Task<ApiSession> SignInAsync(HttpClient client, string login, string password)
    {
        var token = await RequestTokenAsync(client, login, password);
        Assert.True(token.IsSuccessStatusCode, $"token for {login}: {(int)token.StatusCode} {await token.Content.ReadAsStringAsync()}");
        var json = JsonNode.Parse(await token.Content.ReadAsStringAsync())!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)json["access_token"]!);
        return new ApiSession(client);
    }

    public static Task<HttpResponseMessage> RequestTokenAsync(HttpClient client, string login, string password) =>
        client.PostAsJsonAsync($"{Base}/auth/token", new { client_id = login, client_secret = password });

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body = null, string? contentType = "application/json",
        Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, path.StartsWith('/') ? path : $"{Base}/{path}");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        }
        configure?.Invoke(request);
        var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        lock (AllBodies) AllBodies.Add(text);
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);
    public Task<HttpResponseMessage> PatchAsync(string path, string json, string contentType = "application/json") => SendAsync(HttpMethod.Patch, path, json, contentType);
    public Task<HttpResponseMessage> PostAsync(string path, string body, string? contentType = "application/json") => SendAsync(HttpMethod.Post, path, body, contentType);

    public static async Task<JsonNode> JsonAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
}
