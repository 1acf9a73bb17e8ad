using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Unify;

/// <summary>Talks to one remote's REST API: tokens, then JSON calls. Every failure becomes a <see cref="CliException"/>.</summary>
public sealed class PortalClient(RemoteStore store, string remoteName) : IDisposable
{
    public const string ApiBasePath = "/verba/restapi/v1";
    private readonly Remote remote = store.Get(remoteName);
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private string? accessToken;

    private Uri Api(string path) => new(remote.Url.TrimEnd('/') + (remote.Url.Contains("/restapi/", StringComparison.Ordinal) ? "" : ApiBasePath) + path);

    /// <summary>Signs in with a password and keeps only the refresh token.</summary>
    public async Task LoginAsync(string user, string password, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(new { client_id = user, client_secret = password }, cancellationToken);
        store.Update(remoteName, r => { r.User = user; r.RefreshToken = token.Refresh; });
    }

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        (await SendAsync(method, Api(path), body is null ? null : JsonContent.Create(body), cancellationToken)).Body;

    /// <summary>Sends raw content (e.g. a users' verify body, which is the plain text itself).</summary>
    public async Task<JsonNode?> SendContentAsync(HttpMethod method, string path, HttpContent content, CancellationToken cancellationToken) =>
        (await SendAsync(method, Api(path), content, cancellationToken)).Body;

    /// <summary>
    /// Every item of a list, page by page: the first request is <paramref name="path"/>, each next one is the page's
    /// <c>Link: &lt;…&gt;; rel="next"</c> (RFC 8288), until a page has none.
    /// </summary>
    public async IAsyncEnumerable<JsonNode?> ListAllAsync(string path, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Uri? next = Api(path);
        var visited = new HashSet<Uri>();
        while (next is not null)
        {
            if (!visited.Add(next)) throw new CliException(ExitCodes.Refused, $"The server's next page {next.PathAndQuery} points back to a page already read.");
            var (body, link) = await SendAsync(HttpMethod.Get, next, null, cancellationToken);
            if (body is not JsonArray items) throw new CliException(ExitCodes.Refused, $"The server answered {next.AbsolutePath} with something other than a list.");
            foreach (var item in items) yield return item;
            next = link;
        }
    }

    private async Task<(JsonNode? Body, Uri? Next)> SendAsync(HttpMethod method, Uri uri, HttpContent? content, CancellationToken cancellationToken)
    {
        accessToken ??= await RenewAsync(cancellationToken);
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Add("X-Credential-Client", "unify");
        request.Content = content;
        using var response = await SendOrFailAsync(request, cancellationToken);
        await ThrowIfRefusedAsync(response, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return (text.Length == 0 ? null : JsonNode.Parse(text), NextLink(response, uri));
    }

    /// <summary>The target of <c>rel="next"</c> in the Link header, resolved against the request's address.</summary>
    private static Uri? NextLink(HttpResponseMessage response, Uri requested)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        foreach (var link in values.SelectMany(v => v.Split(',')))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts[0].StartsWith('<') && parts[0].EndsWith('>')
                && parts.Skip(1).Any(p => p.Replace(" ", "").Equals("rel=\"next\"", StringComparison.OrdinalIgnoreCase) || p.Equals("rel=next", StringComparison.OrdinalIgnoreCase)))
            {
                return new Uri(requested, parts[0][1..^1]);
            }
        }
        return null;
    }

    private async Task<string> RenewAsync(CancellationToken cancellationToken)
    {
        if (remote.RefreshToken is null)
        {
            throw new CliException(ExitCodes.Usage, $"Not signed in to '{remoteName}'. Run: unify login --remote {remoteName}");
        }
        var token = await TokenAsync(new { refresh_token = remote.RefreshToken }, cancellationToken);
        store.Update(remoteName, r => r.RefreshToken = token.Refresh);
        return token.Access;
    }

    private async Task<(string Access, string Refresh)> TokenAsync(object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Api("/auth/token")) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Credential-Client", "unify");
        using var response = await SendOrFailAsync(request, cancellationToken);
        await ThrowIfRefusedAsync(response, cancellationToken);
        var json = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken)
            ?? throw new CliException(ExitCodes.Refused, "The server sent an empty token answer.");
        return ((string?)json["access_token"] ?? "", (string?)json["refresh_token"] ?? "");
    }

    private async Task<HttpResponseMessage> SendOrFailAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new CliException(ExitCodes.Unreachable, $"Cannot reach '{remoteName}' at {remote.Url}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException(ExitCodes.Unreachable, $"'{remoteName}' at {remote.Url} did not answer in time.");
        }
    }

    /// <summary>Problem details become one line: "title: detail (field: message; …)".</summary>
    private async Task ThrowIfRefusedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var message = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            if (JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) is JsonObject problem)
            {
                message = $"{(int)response.StatusCode} {problem["title"]}: {problem["detail"]}";
                if (problem["errors"] is JsonObject errors)
                {
                    message += " (" + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value!.AsArray().Select(m => (string?)m))}")) + ")";
                }
            }
        }
        catch (JsonException)
        {
            // Not problem details: the status line says enough.
        }
        if (response.StatusCode == HttpStatusCode.Unauthorized && remote.RefreshToken is not null)
        {
            message += $" Sign in again: unify login --remote {remoteName}";
        }
        throw new CliException(ExitCodes.Refused, message.ReplaceLineEndings(" "));
    }

    public void Dispose() => http.Dispose();
}
