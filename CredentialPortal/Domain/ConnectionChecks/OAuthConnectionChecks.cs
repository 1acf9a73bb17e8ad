using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Connectors;

namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>
/// The token request the OAuth connector types share: POST a form to the vendor's token endpoint and read the answer
/// by OAuth 2's rules (RFC 6749 §5): a token is <c>ok</c>; <c>invalid_client</c>, <c>invalid_grant</c> or
/// <c>unauthorized_client</c> is <c>rejected</c>; anything else names what the server said. The token itself is dropped.
/// </summary>
internal static class OAuthTokenRequest
{
    public static async Task<ConnectionVerdict> SendAsync(
        ConnectionTarget target, Uri tokenUrl, IEnumerable<KeyValuePair<string, string>> form, (string User, string Password)? basic,
        string who, CancellationToken cancellationToken)
    {
        if (await NetworkProbe.ConnectAsync(tokenUrl.Host, tokenUrl.Port, target.Timeout, cancellationToken) is { } unreachable) return unreachable;
        string? tls = null;
        using var http = new HttpClient(target.Trust.CreateHandler(target.Timeout, reason => tls = reason)) { Timeout = target.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenUrl) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.ParseAdd("application/json");
        if (basic is { } b)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{b.User}:{b.Password}")));
        }
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return ConnectionVerdict.Unreachable(tls is not null ? $"TLS: {tls} ({tokenUrl.Host})." : $"HTTP: the token request to {tokenUrl.Host} failed.");
        }
        using (response)
        {
            var error = await ErrorOfAsync(response, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return error.HasToken
                    ? ConnectionVerdict.Ok($"{who}: the token endpoint {tokenUrl.GetLeftPart(UriPartial.Path)} issued a token.")
                    : ConnectionVerdict.Unreachable($"{who}: {tokenUrl.Host} answered HTTP {(int)response.StatusCode} without an access token (not a token endpoint?).");
            }
            if (error.Code is "invalid_client" or "invalid_grant" or "unauthorized_client" || response.StatusCode == HttpStatusCode.Unauthorized)
            {
                return ConnectionVerdict.Rejected($"{who}: the token endpoint refused the stored credential ({error.Code ?? "HTTP " + (int)response.StatusCode}).");
            }
            if (error.Code is "invalid_tenant" or "invalid_request" or "invalid_scope" or "unsupported_grant_type" || response.StatusCode == HttpStatusCode.NotFound)
            {
                return ConnectionVerdict.Misconfigured($"{who}: the token endpoint did not accept the request ({error.Code ?? "HTTP " + (int)response.StatusCode}).");
            }
            return ConnectionVerdict.Unreachable($"{who}: the token endpoint answered HTTP {(int)response.StatusCode}{(error.Code is null ? "" : $" ({error.Code})")}.");
        }
    }

    private static async Task<(bool HasToken, string? Code)> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (json.RootElement.ValueKind != JsonValueKind.Object) return (false, null);
            var hasToken = json.RootElement.TryGetProperty("access_token", out var token) && token.ValueKind == JsonValueKind.String;
            // Only a short, plain error code is repeated: the description may echo what was sent.
            var code = json.RootElement.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String
                && e.GetString() is { Length: <= 40 } c && c.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.') ? c : null;
            return (hasToken, code);
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }

    public static Uri Combine(string baseUrl, string path) => new(new Uri(baseUrl.TrimEnd('/') + "/"), path.TrimStart('/'));
}

/// <summary><c>azure_ad</c>: the client-credentials grant at <c>{authorityHost}/{tenantId}/oauth2/v2.0/token</c> (Microsoft identity platform).</summary>
public sealed class AzureAdConnectionCheck : IConnectionCheck
{
    public const string DefaultAuthority = "https://login.microsoftonline.com";
    public string TypeName => "azure_ad";

    public string Describe(CredentialEntity entity) => TokenUrl((AzureAdSyncProfile)entity).ToString();

    private static Uri TokenUrl(AzureAdSyncProfile ad) =>
        OAuthTokenRequest.Combine(ad.AuthorityHost is { Length: > 0 } host ? host : DefaultAuthority, $"{Uri.EscapeDataString(ad.TenantId)}/oauth2/v2.0/token");

    public Task<ConnectionVerdict> CheckAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var ad = (AzureAdSyncProfile)target.Entity;
        if (target.Secret("clientSecret") is not { } secret) return Task.FromResult(ConnectionVerdict.Misconfigured("No client secret is stored."));
        return OAuthTokenRequest.SendAsync(target, TokenUrl(ad),
        [
            new("grant_type", "client_credentials"),
            new("client_id", ad.ClientId),
            new("client_secret", secret),
            new("scope", "https://graph.microsoft.com/.default"),
        ], basic: null, $"Tenant {ad.TenantId}", cancellationToken);
    }
}

/// <summary>
/// <c>zoom_phones</c> with <c>authType</c> <c>oauth</c>: Zoom's client-credentials grant (client id and secret as HTTP
/// Basic) at the token endpoint of <c>apiAddress</c>'s site (<c>https://zoom.us/oauth/token</c> for api.zoom.us).
/// Zoom retired JWT apps in 2023, so <c>jwt</c> is <c>unsupported</c>.
/// </summary>
public sealed class ZoomPhonesConnectionCheck : IConnectionCheck
{
    public string TypeName => "zoom_phones";

    public string Describe(CredentialEntity entity) => TokenUrl((ZoomPhonesImportSource)entity)?.ToString() ?? "zoom";

    private static Uri? TokenUrl(ZoomPhonesImportSource zoom)
    {
        if (!Uri.TryCreate(zoom.ApiAddress, UriKind.Absolute, out var api)) return null;
        var site = api.Host.Equals("api.zoom.us", StringComparison.OrdinalIgnoreCase) ? "https://zoom.us" : api.GetLeftPart(UriPartial.Authority);
        return OAuthTokenRequest.Combine(site, "oauth/token");
    }

    public Task<ConnectionVerdict> CheckAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var zoom = (ZoomPhonesImportSource)target.Entity;
        if (zoom.AuthType != "oauth")
        {
            return Task.FromResult(ConnectionVerdict.Unsupported("Zoom retired JWT apps in 2023; switch this source to OAuth to have it checked."));
        }
        if (!string.IsNullOrEmpty(zoom.ForwardProxyAddress))
        {
            return Task.FromResult(ConnectionVerdict.Unsupported("The check does not go through the forward proxy this source uses."));
        }
        if (target.Secret("apiSecret") is not { } secret) return Task.FromResult(ConnectionVerdict.Misconfigured("No API secret is stored."));
        if (TokenUrl(zoom) is not { } url) return Task.FromResult(ConnectionVerdict.Misconfigured("The API address is not a URL."));
        return OAuthTokenRequest.SendAsync(target, url, [new("grant_type", "client_credentials")], (zoom.ApiKey, secret), "Zoom", cancellationToken);
    }
}

/// <summary><c>ringcentral</c>: the JWT grant (<c>urn:ietf:params:oauth:grant-type:jwt-bearer</c>) at <c>{serverUrl}/restapi/oauth/token</c>.</summary>
public sealed class RingCentralConnectionCheck : IConnectionCheck
{
    public string TypeName => "ringcentral";

    public string Describe(CredentialEntity entity) => OAuthTokenRequest.Combine(((RingCentralImportSource)entity).ServerUrl, "restapi/oauth/token").ToString();

    public Task<ConnectionVerdict> CheckAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var rc = (RingCentralImportSource)target.Entity;
        if (target.Secret("clientSecret") is not { } secret || target.Secret("jwtToken") is not { } jwt)
        {
            return Task.FromResult(ConnectionVerdict.Misconfigured("The client secret and the JWT token must both be stored."));
        }
        return OAuthTokenRequest.SendAsync(target, new Uri(Describe(rc)),
        [
            new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            new("assertion", jwt),
        ], (rc.ClientId, secret), "RingCentral", cancellationToken);
    }
}

/// <summary>
/// <c>webex</c>: the refresh-token grant at <c>{apiAddress}/v1/access_token</c> (https://webexapis.com by default).
/// Webex keeps the refresh token valid across refreshes, so the check does not use it up.
/// </summary>
public sealed class WebexConnectionCheck : IConnectionCheck
{
    public const string DefaultAddress = "https://webexapis.com";
    public string TypeName => "webex";

    public string Describe(CredentialEntity entity) =>
        OAuthTokenRequest.Combine(((WebexImportSource)entity).ApiAddress is { Length: > 0 } a ? a : DefaultAddress, "v1/access_token").ToString();

    public Task<ConnectionVerdict> CheckAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var webex = (WebexImportSource)target.Entity;
        if (target.Secret("clientSecret") is not { } secret || target.Secret("refreshToken") is not { } refresh)
        {
            return Task.FromResult(ConnectionVerdict.Misconfigured("The client secret and the refresh token must both be stored."));
        }
        return OAuthTokenRequest.SendAsync(target, new Uri(Describe(webex)),
        [
            new("grant_type", "refresh_token"),
            new("client_id", webex.ClientId),
            new("client_secret", secret),
            new("refresh_token", refresh),
        ], basic: null, "Webex", cancellationToken);
    }
}
