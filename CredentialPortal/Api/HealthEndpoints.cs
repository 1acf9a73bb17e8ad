using CredentialPortal.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CredentialPortal.Api;

public static class HealthEndpoints
{
    /// <summary><c>GET /healthz</c>: 200 "Healthy" when the database answers, 503 otherwise. No authentication.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz").AllowAnonymous().DisableHttpMetrics();
        return endpoints;
    }
}

public sealed class DatabaseHealthCheck(PortalDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The database does not answer.");
}
