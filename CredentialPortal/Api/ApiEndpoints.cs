using System.Threading.RateLimiting;
using CredentialPortal.Data;
using CredentialPortal.Domain.Connectors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Api;

/// <summary>The v1 REST API (docs/design.md §4): services, the error handling that keeps every answer problem details, and the routes.</summary>
public static class ApiEndpoints
{
    public const string VerifyRateLimitPolicy = "verify";

    public static IServiceCollection AddCredentialApi(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            // Every problem carries a stable code; those written without one (the platform's own) get the status's.
            c.ProblemDetails.Extensions.TryAdd("code", ApiProblems.CodeFor(c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode));
        });
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.MaxDepth = 32);
        services.AddApiAuthentication();
        services.AddCredentialApiDocument();
        services.AddMemoryCache();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddSignInPolicy();
            o.AddPolicy(VerifyRateLimitPolicy, http =>
            {
                var limit = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.VerifyRequestsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(http.User.Identity?.Name ?? http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = limit, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
            o.OnRejected = async (context, token) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromMinutes(1);
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var api = http.Request.Path.StartsWithSegments(BasePathOf(http));
                var signIn = SignInRateLimit.Applies(http);
                if (signIn) await SignInRateLimit.RecordRefusalAsync(http, retryAfter, api);
                if (!api)
                {
                    await SignInRateLimit.WritePortalRefusalAsync(http, retryAfter);
                    return;
                }
                await TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    detail: signIn ? SignInRateLimit.RefusalDetail : "Slow down: too many requests from this caller in the last minute.").ExecuteAsync(http);
            };
        });
        return services;
    }

    /// <summary>
    /// For requests under the API base path: problem details for every error status (no HTML pages), a handler that
    /// turns an unexpected exception into a plain 500 problem without a stack trace, in every environment, and the
    /// refusal of query strings holding NUL. A database that stayed locked past its busy timeout is not unexpected: it
    /// is a 503 with Retry-After, here, once, for every endpoint.
    /// </summary>
    public static IApplicationBuilder UseCredentialApiErrors(this IApplicationBuilder app, string basePath)
    {
        app.UseWhen(http => http.Request.Path.StartsWithSegments(basePath), api =>
        {
            api.UseExceptionHandler(new ExceptionHandlerOptions
            {
                StatusCodeSelector = e => e switch
                {
                    BadHttpRequestException bad => bad.StatusCode,
                    _ when DatabaseBusy.IsBusy(e) => StatusCodes.Status503ServiceUnavailable,
                    Domain.Audit.Sinks.AuditUnavailableException => StatusCodes.Status503ServiceUnavailable,
                    _ => StatusCodes.Status500InternalServerError,
                },
                ExceptionHandler = async http =>
                {
                    var status = http.Response.StatusCode;
                    var failure = http.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
                    var problem = status switch
                    {
                        StatusCodes.Status503ServiceUnavailable when failure is Domain.Audit.Sinks.AuditUnavailableException behind => ApiProblems.AuditUnavailable(behind, http),
                        StatusCodes.Status503ServiceUnavailable => ApiProblems.Busy(
                            DatabaseBusy.RetryAfterSeconds(http.RequestServices.GetRequiredService<IConfiguration>()), http),
                        StatusCodes.Status500InternalServerError => TypedResults.Problem(statusCode: status, title: "Unexpected error",
                            detail: $"The server could not complete the request. Quote trace id {http.TraceIdentifier} when you report it."),
                        _ => TypedResults.Problem(statusCode: status, title: "Bad request", detail: "The request could not be read."),
                    };
                    await problem.ExecuteAsync(http);
                },
            });
            api.UseStatusCodePages();
            // Query strings obey the body's rule (ApiBody.NulCharacterDetail); paths, headers and forms get it from the platform.
            api.Use(async (http, next) =>
            {
                if (http.Request.Query.Any(q => ApiBody.ContainsNul(q.Key) || q.Value.Any(ApiBody.ContainsNul)))
                {
                    await ApiProblems.BadRequest(ApiBody.NulCharacterDetail).ExecuteAsync(http);
                    return;
                }
                await next(http);
            });
        });
        return app;
    }

    public static IEndpointRouteBuilder MapCredentialApi(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ApiOptions>>().Value;
        var api = endpoints.MapGroup(options.BasePath)
            .DisableAntiforgery();
        api.MapTokenEndpoints();

        // Every endpoint below declares its permission too (ApiPermissionMetadata.RequirePermission); a test walks the
        // route table for endpoints that do not.
        var secured = api.MapGroup("")
            .RequireAuthorization(ApiAuthentication.Policy);
        secured.MapUserEndpoints();
        secured.MapCredentialEntityEndpoints();
        secured.MapMachineUserEndpoints();
        secured.MapServerConfigurationEndpoints();
        secured.MapAuditEndpoints();

        endpoints.MapOpenApi(OpenApiDocumentation.DocumentPath).AllowAnonymous();
        endpoints.MapApiReference();

        // Anything else under the base path is an API 404, not the portal's page.
        api.MapFallback(() => ApiProblems.NotFound("This API path")).AllowAnonymous();
        return endpoints;
    }

    internal static string BasePathOf(HttpContext http) => http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.BasePath;

    internal static ProblemHttpResult? CheckPaging(int? offset, int? limit)
    {
        if (offset < 0) return ApiProblems.BadRequest("'offset' must be 0 or more.");
        if (limit is < 1 or > ConnectorCredentials.MaxPageSize) return ApiProblems.BadRequest($"'limit' must be from 1 to {ConnectorCredentials.MaxPageSize}.");
        return null;
    }
}
