using CredentialPortal.Data;
using CredentialPortal.Domain.Audit.Sinks;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CredentialPortal.Api;

public static class HealthEndpoints
{
    /// <summary>
    /// <c>GET /healthz</c>: 200 when the database answers, 503 otherwise. No authentication. The body is "Healthy"
    /// (or "Unhealthy"); with audit sinks configured it is JSON with each sink's progress instead. A sink that is
    /// behind is reported, not fatal: the status stays 200.
    /// </summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteAsync }).AllowAnonymous().DisableHttpMetrics();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        var sinks = http.RequestServices.GetRequiredService<AuditSinkStates>();
        if (!sinks.AnyConfigured)
        {
            http.Response.ContentType = "text/plain";
            return http.Response.WriteAsync(report.Status.ToString());
        }
        return http.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            auditSinks = sinks.Snapshot().Select(s => new { s.Name, s.Type, s.Endpoint, s.LastDeliveredSeq, s.Backlog, s.LastError, s.LastErrorAt, s.LastDeliveredAt }),
        });
    }
}

public sealed class DatabaseHealthCheck(PortalDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
