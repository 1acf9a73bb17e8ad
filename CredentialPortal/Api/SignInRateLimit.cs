using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using CredentialPortal.Components.Account;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Api;

/// <summary>
/// Sign-in attempts through either door — <c>POST /auth/token</c> and the portal's sign-in form — share one budget per
/// client address (<see cref="ApiOptions.TokenRequestsPerMinute"/>). The login lockout counts per account, so it never
/// sees password spraying (one guess each against many accounts); this budget does. The first refusal of each window
/// is audited, so an administrator sees which address was slowed down without a flood of records.
/// </summary>
public static class SignInRateLimit
{
    public const string Policy = "sign-in";
    public const string RefusalDetail = "Too many sign-in attempts from this address. Wait, then try again.";

    public static RateLimiterOptions AddSignInPolicy(this RateLimiterOptions options) =>
        options.AddPolicy(Policy, http =>
        {
            // Showing the sign-in form costs nothing; only attempts (POST) draw on the budget.
            if (!HttpMethods.IsPost(http.Request.Method)) return RateLimitPartition.GetNoLimiter("");
            var limit = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.TokenRequestsPerMinute;
            return RateLimitPartition.GetFixedWindowLimiter(PartitionOf(http.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
        });

    /// <summary>
    /// The client a budget belongs to: an IPv4 address, or an IPv6 /64 network — one subscriber usually holds a whole
    /// /64 and could otherwise take a fresh address for every guess.
    /// </summary>
    public static string PartitionOf(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public static bool Applies(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Policy;

    /// <summary>Audits a refusal, once per client and window; the refused attempt itself never reached a password check.</summary>
    public static async Task RecordRefusalAsync(HttpContext http, TimeSpan window, bool api)
    {
        var partition = PartitionOf(http.Connection.RemoteIpAddress);
        var cache = http.RequestServices.GetRequiredService<IMemoryCache>();
        if (cache.TryGetValue((Policy, partition), out _)) return;
        cache.Set((Policy, partition), true, window);
        var actor = api
            ? ApiCaller.Actor(http)
            : new Actor(null, "anonymous", Door.UI, http.Connection.RemoteIpAddress?.ToString(), http.TraceIdentifier);
        var limit = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.TokenRequestsPerMinute;
        await http.RequestServices.GetRequiredService<PeopleCredentials>().RecordSignInThrottledAsync(actor,
            $"more than {limit} sign-in attempts a minute from {partition}; refused for {(int)Math.Ceiling(window.TotalSeconds)} s", http.RequestAborted);
    }

    /// <summary>The portal's answer: a page a person can read (the API answers with problem details).</summary>
    public static Task WritePortalRefusalAsync(HttpContext http, TimeSpan retryAfter)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        var seconds = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return http.Response.WriteAsync(
            $"""
             <!DOCTYPE html>
             <html lang="en"><head><meta charset="utf-8"><title>Too many sign-in attempts · CredentialPortal</title></head>
             <body><h1>Too many sign-in attempts</h1>
             <p>{WebUtility.HtmlEncode(RefusalDetail)} You can try again in {seconds} seconds: <a href="{AccountPaths.Login}">sign in</a>.</p></body></html>
             """);
    }
}
