using CredentialPortal.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CredentialPortal.Api;

/// <summary>
/// RFC 9457 answers the API gives, so every endpoint words them alike; each carries a stable <c>code</c>.
/// <see cref="For{T}"/> is the one mapping from a domain refusal to its problem document.
/// </summary>
public static class ApiProblems
{
    /// <summary>The HTTP status of each domain outcome: 412 only for a stale If-Match, 409 for every other state conflict.</summary>
    public static int StatusOf(DomainStatus status) => status switch
    {
        DomainStatus.Ok => StatusCodes.Status200OK,
        DomainStatus.NotFound => StatusCodes.Status404NotFound,
        DomainStatus.Invalid => StatusCodes.Status400BadRequest,
        DomainStatus.Forbidden => StatusCodes.Status403Forbidden,
        DomainStatus.Conflict => StatusCodes.Status409Conflict,
        DomainStatus.PreconditionFailed => StatusCodes.Status412PreconditionFailed,
        DomainStatus.PrerequisiteNotMet => StatusCodes.Status409Conflict,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>The problem document of a refused domain call: status, title and code from the result itself.</summary>
    public static IResult For<T>(DomainResult<T> result) => result.Status switch
    {
        DomainStatus.Ok => throw new InvalidOperationException("A successful result has no problem document."),
        DomainStatus.Invalid => Invalid(result.Errors ?? new DomainErrors().Add("", result.Message ?? "Invalid.")),
        _ => Problem(StatusOf(result.Status), result.Title, result.Message, result.Code),
    };

    /// <summary>Stable codes for answers that do not come from the domain.</summary>
    public static class Codes
    {
        public const string BadRequest = "bad_request";
        public const string Unauthorized = "unauthorized";
        public const string UnsupportedMediaType = "unsupported_media_type";
        public const string TooLarge = "request_too_large";
        public const string Busy = "database_busy";
        public const string LockedOut = "locked_out";
        public const string TooManyRequests = "too_many_requests";
        public const string Unexpected = "unexpected_error";

        /// <summary>The code of a problem written without one (the platform's own 404, 405 …).</summary>
        public static string ForStatus(int status) => status switch
        {
            StatusCodes.Status400BadRequest => BadRequest,
            StatusCodes.Status401Unauthorized => Unauthorized,
            StatusCodes.Status403Forbidden => DomainCodes.Forbidden,
            StatusCodes.Status404NotFound => DomainCodes.NotFound,
            StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
            StatusCodes.Status409Conflict => DomainCodes.Conflict,
            StatusCodes.Status412PreconditionFailed => DomainCodes.PreconditionFailed,
            StatusCodes.Status413PayloadTooLarge => TooLarge,
            StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
            StatusCodes.Status429TooManyRequests => TooManyRequests,
            StatusCodes.Status503ServiceUnavailable => Busy,
            >= 500 => Unexpected,
            _ => "error",
        };
    }

    public static ProblemHttpResult Problem(int status, string title, string? detail, string code, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: all);
    }

    public static ProblemHttpResult NotFound(string what) =>
        Problem(StatusCodes.Status404NotFound, "Not found", $"{what} does not exist.", DomainCodes.NotFound);

    public static ProblemHttpResult BadRequest(string detail) =>
        Problem(StatusCodes.Status400BadRequest, "Bad request", detail, Codes.BadRequest);

    public static ValidationProblem Invalid(DomainErrors errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            errors.ByProperty,
            detail: detail ?? "One or more values are invalid; nothing was changed.",
            title: "Invalid request",
            extensions: errors.Codes.Count > 0
                ? new Dictionary<string, object?> { ["code"] = DomainCodes.Invalid, ["codes"] = errors.Codes }
                : new Dictionary<string, object?> { ["code"] = DomainCodes.Invalid });

    public static ProblemHttpResult PreconditionFailed(string detail) =>
        Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed", detail, DomainCodes.PreconditionFailed);

    public static ProblemHttpResult Forbidden(string detail) =>
        Problem(StatusCodes.Status403Forbidden, "Forbidden", detail, DomainCodes.Forbidden);

    public static ProblemHttpResult Unauthorized(string detail) =>
        Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail, Codes.Unauthorized);

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail, Codes.UnsupportedMediaType);

    public static ProblemHttpResult TooLarge(int limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Request too large", $"The request body may be at most {limit} bytes.", Codes.TooLarge);

    /// <summary>The database stayed locked past its busy timeout: the change that needed the lock was not written; retry.</summary>
    public static ProblemHttpResult Busy(int retryAfterSeconds, HttpContext http)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, "Database busy",
            $"The database is busy with other changes and this request could not get its turn in time. Try again in {retryAfterSeconds} s.", Codes.Busy);
    }

    public static ProblemHttpResult LockedOut(DateTime until, TimeProvider clock, HttpContext http)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((until - clock.GetUtcNow().UtcDateTime).TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status429TooManyRequests, "Locked out",
            $"Too many failed verifications: this account is refused until {until:u} ({seconds} s). An administrator can lift the lockout.", Codes.LockedOut);
    }
}
