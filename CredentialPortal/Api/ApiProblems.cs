using CredentialPortal.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CredentialPortal.Api;

/// <summary>RFC 7807 answers the API gives, so every endpoint words them alike.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"{what} does not exist.");

    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    public static ValidationProblem Invalid(DomainErrors errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            errors.ByProperty,
            detail: detail ?? "One or more values are invalid; nothing was changed.",
            title: "Invalid request",
            extensions: errors.Codes.Count > 0 ? new Dictionary<string, object?> { ["codes"] = errors.Codes } : null);

    public static ProblemHttpResult PreconditionFailed(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed", detail: detail);

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type", detail: detail);

    public static ProblemHttpResult TooLarge(int limit) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large", detail: $"The request body may be at most {limit} bytes.");

    /// <summary>The database stayed locked past its busy timeout: the change that needed the lock was not written; retry.</summary>
    public static ProblemHttpResult Busy(int retryAfterSeconds, HttpContext http)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Database busy",
            detail: $"The database is busy with other changes and this request could not get its turn in time. Try again in {retryAfterSeconds} s.");
    }

    /// <summary>Audit:FailClosed: a sink is too far behind, so the change was not written (the way Vault refuses what it cannot audit).</summary>
    public static ProblemHttpResult AuditUnavailable(Domain.Audit.Sinks.AuditUnavailableException behind, HttpContext http)
    {
        http.Response.Headers.RetryAfter = "30";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Audit unavailable", detail: behind.Message + " Nothing was changed.",
            extensions: new Dictionary<string, object?> { ["code"] = Domain.Audit.Sinks.AuditUnavailableException.Code });
    }

    public static ProblemHttpResult LockedOut(DateTime until, TimeProvider clock, HttpContext http)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((until - clock.GetUtcNow().UtcDateTime).TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Locked out",
            detail: $"Too many failed verifications: this account is refused until {until:u} ({seconds} s). An administrator can lift the lockout.");
    }
}
