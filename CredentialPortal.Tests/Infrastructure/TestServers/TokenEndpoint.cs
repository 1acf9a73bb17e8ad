using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Web;

namespace CredentialPortal.Tests.Infrastructure.TestServers;

/// <summary>
/// A loopback OAuth 2 token endpoint playing the vendors' documented token requests (the real vendors are not reachable
/// from here): Microsoft identity platform client credentials (<c>/{tenant}/oauth2/v2.0/token</c>), Zoom client
/// credentials with HTTP Basic (<c>/oauth/token</c>), RingCentral's JWT grant with HTTP Basic (<c>/restapi/oauth/token</c>)
/// and Webex's refresh-token grant (<c>/v1/access_token</c>). It answers as RFC 6749 §5 says: a token, or
/// <c>invalid_client</c> / <c>invalid_grant</c> / <c>invalid_request</c>.
/// </summary>
public sealed class TokenEndpoint : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentDictionary<string, string> secrets = new();

    public TokenEndpoint()
    {
        Port = TestServerProcess.FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        _ = ServeAsync();
    }

    /// <summary>The client id for which the Microsoft endpoint echoes the client secret back in its error.</summary>
    public const string EchoClient = "0e0e0e0e-0000-4000-8000-0000000000ec";
    public int Port { get; }
    public string Address => $"http://127.0.0.1:{Port}";
    public string Tenant { get; } = Guid.NewGuid().ToString("D");
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>What the endpoint accepts for a client (its secret, or a JWT / refresh token under "client:jwt" / "client:refresh").</summary>
    public void Accept(string name, string value) => secrets[name] = value;

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var form = HttpUtility.ParseQueryString(await new StreamReader(context.Request.InputStream).ReadToEndAsync());
            var path = context.Request.Url!.AbsolutePath;
            Requests.Enqueue($"{context.Request.HttpMethod} {path} grant_type={form["grant_type"]}");
            var (status, body) = Answer(path, context.Request.Headers["Authorization"], form);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private (int, string) Answer(string path, string? authorization, System.Collections.Specialized.NameValueCollection form)
    {
        const string token = """{"access_token":"tok","token_type":"Bearer","expires_in":3600}""";
        (string Id, string Secret)? basic = null;
        if (authorization?.StartsWith("Basic ", StringComparison.Ordinal) == true)
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..])).Split(':', 2);
            basic = (pair[0], pair[1]);
        }
        bool Known(string id, string? secret) => secret is not null && secrets.TryGetValue(id, out var s) && s == secret;
        const string invalidClient = """{"error":"invalid_client","error_description":"client authentication failed"}""";

        if (path.EndsWith("/oauth2/v2.0/token", StringComparison.Ordinal))
        {
            // A careless server that echoes what it was sent (the secrets scan's worst case).
            if (form["client_id"] == EchoClient) return (401, $$"""{"error":"{{form["client_secret"]}}","error_description":"{{form["client_secret"]}}"}""");
            if (path != $"/{Tenant}/oauth2/v2.0/token") return (400, """{"error":"invalid_request","error_description":"AADSTS90002: Tenant not found."}""");
            if (form["grant_type"] != "client_credentials" || form["scope"] is null) return (400, """{"error":"invalid_request"}""");
            return Known(form["client_id"]!, form["client_secret"]) ? (200, token) : (401, invalidClient);
        }
        if (path == "/oauth/token")
        {
            if (form["grant_type"] != "client_credentials") return (400, """{"error":"unsupported_grant_type"}""");
            return basic is { } b && Known(b.Id, b.Secret) ? (200, token) : (401, invalidClient);
        }
        if (path == "/restapi/oauth/token")
        {
            if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer") return (400, """{"error":"unsupported_grant_type"}""");
            if (basic is not { } b || !Known(b.Id, b.Secret)) return (401, invalidClient);
            return Known(b.Id + ":jwt", form["assertion"]) ? (200, token) : (400, """{"error":"invalid_grant","error_description":"Invalid token"}""");
        }
        if (path == "/v1/access_token")
        {
            if (form["grant_type"] != "refresh_token") return (400, """{"error":"unsupported_grant_type"}""");
            if (!Known(form["client_id"]!, form["client_secret"])) return (401, invalidClient);
            return Known(form["client_id"] + ":refresh", form["refresh_token"]) ? (200, token) : (400, """{"error":"invalid_grant"}""");
        }
        return (404, """{"error":"not_found"}""");
    }

    public void Dispose() => listener.Close();
}
