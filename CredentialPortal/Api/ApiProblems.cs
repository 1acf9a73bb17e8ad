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

    /// <summary>
    /// The stable code of every HTTP status the API answers: a domain refusal's status has its domain code, the others
    /// (the body reader's, sign-in's, the platform's own 404 and 405 …) theirs.
    /// </summary>
    private static readonly Dictionary<int, string> CodeByStatus = new()
    {
        [StatusCodes.Status400BadRequest] = "bad_request",
        [StatusCodes.Status401Unauthorized] = "unauthorized",
        [StatusCodes.Status403Forbidden] = DomainCodes.Of(DomainStatus.Forbidden),
        [StatusCodes.Status404NotFound] = DomainCodes.Of(DomainStatus.NotFound),
        [StatusCodes.Status405MethodNotAllowed] = "method_not_allowed",
        [StatusCodes.Status409Conflict] = DomainCodes.Of(DomainStatus.Conflict),
        [StatusCodes.Status412PreconditionFailed] = DomainCodes.Of(DomainStatus.PreconditionFailed),
        [StatusCodes.Status413PayloadTooLarge] = "request_too_large",
        [StatusCodes.Status415UnsupportedMediaType] = "unsupported_media_type",
        [StatusCodes.Status429TooManyRequests] = "too_many_requests",
        [StatusCodes.Status500InternalServerError] = "unexpected_error",
        [StatusCodes.Status503ServiceUnavailable] = "database_busy",
    };

    /// <summary>The code of a problem with this status written without one.</summary>
    public static string CodeFor(int status) => CodeByStatus.GetValueOrDefault(status, status >= 500 ? "unexpected_error" : "error");

    /// <summary>A verification lockout is a 429 of its own kind.</summary>
    public const string LockedOutCode = "locked_out";

    /// <summary>The account signed in with a temporary password (or has the flag): only a new password opens the API.</summary>
    public const string PasswordChangeRequiredCode = "password_change_required";

    /// <summary>The right temporary password, past its expiry: the person must ask the helpdesk.</summary>
    public const string TemporaryPasswordExpiredCode = "temporary_password_expired";

    /// <summary>The password was right and the account has two-factor: send the app's code (or a recovery code) as <c>otp</c>.</summary>
    public const string MfaRequiredCode = "mfa_required";

    /// <summary>The <c>otp</c> sent was wrong or already used.</summary>
    public const string MfaInvalidCode = "mfa_invalid";

    /// <summary>The account's role must use two-factor, it has none, and its grace period is over: enrol in the portal first.</summary>
    public const string MfaEnrolmentRequiredCode = "mfa_enrolment_required";

    public static ProblemHttpResult MfaEnrolmentRequired() =>
        Problem(StatusCodes.Status403Forbidden, "Two-factor enrolment required", Domain.TwoFactor.TwoFactorPolicy.EnrolmentRequiredMessage, MfaEnrolmentRequiredCode);


    /// <summary>
    /// The password was right; a second factor is needed. An account whose only second factor is a passkey cannot give
    /// one here (the API has no WebAuthn ceremony): it is told to enrol an authenticator app for API use.
    /// </summary>
    public static ProblemHttpResult MfaRequired(bool passkeyOnly = false) =>
        Problem(StatusCodes.Status401Unauthorized, "Two-factor code required", passkeyOnly
            ? "This account's second factor is a passkey, which the API cannot use: enrol an authenticator app on the portal's account security page and send its code as 'otp'."
            : "This account signs in with two factors: send the code from its authenticator app (or a recovery code) as 'otp' with the same request.", MfaRequiredCode);

    public static ProblemHttpResult MfaInvalid() =>
        Problem(StatusCodes.Status401Unauthorized, "Two-factor code refused",
            "The 'otp' is not the authenticator's current code, or it was already used. Wait for the next code and try again.", MfaInvalidCode);

    public static ProblemHttpResult PasswordChangeRequired() =>
        Problem(StatusCodes.Status403Forbidden, "Password change required",
            "This account must choose a new password before it may use the API: sign in to the portal and change it.", PasswordChangeRequiredCode);

    public static ProblemHttpResult TemporaryPasswordExpired() =>
        Problem(StatusCodes.Status401Unauthorized, "Temporary password expired", Domain.Users.CredentialCheck.TemporaryPasswordExpiredMessage, TemporaryPasswordExpiredCode);

    public static ProblemHttpResult Problem(int status, string title, string? detail, string code, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: all);
    }

    public static ProblemHttpResult NotFound(string what) =>
        Problem(StatusCodes.Status404NotFound, "Not found", $"{what} does not exist.", DomainCodes.Of(DomainStatus.NotFound));

    public static ProblemHttpResult BadRequest(string detail) =>
        Problem(StatusCodes.Status400BadRequest, "Bad request", detail, CodeFor(StatusCodes.Status400BadRequest));

    public static ValidationProblem Invalid(DomainErrors errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            errors.ByProperty,
            detail: detail ?? "One or more values are invalid; nothing was changed.",
            title: "Invalid request",
            extensions: errors.Codes.Count > 0
                ? new Dictionary<string, object?> { ["code"] = DomainCodes.Of(DomainStatus.Invalid), ["codes"] = errors.Codes }
                : new Dictionary<string, object?> { ["code"] = DomainCodes.Of(DomainStatus.Invalid) });

    public static ProblemHttpResult PreconditionFailed(string detail) =>
        Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed", detail, DomainCodes.Of(DomainStatus.PreconditionFailed));

    public static ProblemHttpResult Forbidden(string detail) =>
        Problem(StatusCodes.Status403Forbidden, "Forbidden", detail, DomainCodes.Of(DomainStatus.Forbidden));

    public static ProblemHttpResult Unauthorized(string detail) =>
        Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail, CodeFor(StatusCodes.Status401Unauthorized));

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail, CodeFor(StatusCodes.Status415UnsupportedMediaType));

    public static ProblemHttpResult TooLarge(int limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Request too large", $"The request body may be at most {limit} bytes.", CodeFor(StatusCodes.Status413PayloadTooLarge));

    /// <summary>The database stayed locked past its busy timeout: the change that needed the lock was not written; retry.</summary>
    public static ProblemHttpResult Busy(int retryAfterSeconds, HttpContext http)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, "Database busy",
            $"The database is busy with other changes and this request could not get its turn in time. Try again in {retryAfterSeconds} s.", CodeFor(StatusCodes.Status503ServiceUnavailable));
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
        return Problem(StatusCodes.Status429TooManyRequests, "Locked out",
            $"Too many failed verifications: this account is refused until {until:u} ({seconds} s). An administrator can lift the lockout.", LockedOutCode);
    }
}
