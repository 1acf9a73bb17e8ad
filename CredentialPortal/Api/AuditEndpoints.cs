using System.Globalization;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CredentialPortal.Api;

/// <summary>The audit evidence an auditor takes away: the signed JSONL export and the key that checks it.</summary>
public static class AuditEndpoints
{
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/audit").WithTags("Audit");
        group.MapGet("/export", ExportAsync).RequirePermission(Permission.ReadAudit).WithName("ExportAudit")
            .WithSummary("The audit records in a time range as signed JSONL (format=jsonl), for `unify audit verify`.")
            .Produces(StatusCodes.Status200OK, contentType: "application/x-ndjson").ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/signing-key", SigningKeyAsync).RequirePermission(Permission.ReadAudit).WithName("AuditSigningKey")
            .WithSummary("The public half of the audit signing key (ECDSA P-256, base64 SubjectPublicKeyInfo).")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return api;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, AuditEvidence evidence, string? format, string? from, string? to, CancellationToken cancellationToken)
    {
        if (format is not (null or "jsonl")) return ApiProblems.BadRequest("format must be jsonl (the CSV export is in the portal's audit page).");
        if (!TryTime(from, out var fromUtc)) return ApiProblems.BadRequest("from must be an ISO 8601 date or time, e.g. 2026-12-01 or 2026-12-01T10:00:00Z.");
        if (!TryTime(to, out var toUtc)) return ApiProblems.BadRequest("to must be an ISO 8601 date or time, e.g. 2026-12-02 or 2026-12-01T18:00:00Z.");
        if (fromUtc is not null && toUtc is not null && toUtc <= fromUtc) return ApiProblems.BadRequest("to must be later than from.");
        http.Response.ContentType = "application/x-ndjson; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{DateTime.UtcNow:yyyyMMdd-HHmmss}.jsonl\"";
        await evidence.WriteJsonlAsync(http.Response.Body, fromUtc, toUtc, cancellationToken);
        return TypedResults.Empty;
    }

    private static async Task<Ok<SigningKey>> SigningKeyAsync(AuditEvidence evidence, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(new SigningKey(AuditExportFormat.Algorithm, await evidence.PublicKeyAsync(cancellationToken)));
    }

    public sealed record SigningKey(string Alg, string PublicKey);

    private static bool TryTime(string? text, out DateTime? utc)
    {
        utc = null;
        if (string.IsNullOrEmpty(text)) return true;
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        utc = DateTime.SpecifyKind(parsed, DateTimeKind.Utc);
        return true;
    }
}
