using FluentValidation.Results;

namespace CredentialPortal.Domain;

/// <summary>Per-property error messages, keyed by the property's wire name (the API's problem-details <c>errors</c> map).</summary>
public sealed class DomainErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);
    private readonly List<string> codes = [];

    public bool Any => errors.Count > 0;
    public IReadOnlyDictionary<string, string[]> ByProperty => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    /// <summary>Machine-readable rule codes of policy violations, e.g. <c>password.too_short</c>.</summary>
    public IReadOnlyList<string> Codes => codes;

    public DomainErrors Add(string property, string message, string? code = null)
    {
        if (!errors.TryGetValue(property, out var list))
        {
            errors[property] = list = [];
        }
        list.Add(message);
        if (code is not null) codes.Add($"{property}.{code}");
        return this;
    }

    public static DomainErrors From(ValidationResult result, Func<string, string> propertyName)
    {
        var errors = new DomainErrors();
        foreach (var failure in result.Errors)
        {
            errors.Add(propertyName(failure.PropertyName), failure.ErrorMessage);
        }
        return errors;
    }
}

/// <summary>Why a domain call did or did not change anything. Each has one stable <see cref="DomainCodes">code</see>.</summary>
public enum DomainStatus
{
    Ok,
    /// <summary>What was asked for does not exist.</summary>
    NotFound,
    /// <summary>One or more values break a rule; <see cref="DomainResult{T}.Errors"/> names each.</summary>
    Invalid,
    /// <summary>The actor's roles do not allow this (<see cref="Access.Permissions"/>).</summary>
    Forbidden,
    /// <summary>The current state does not allow it: a name or id is taken, a task is not in the right state, a write collided.</summary>
    Conflict,
    /// <summary>The caller's copy is stale: the version it named (If-Match) is not the current one.</summary>
    PreconditionFailed,
    /// <summary>Something else must be done first (a server's configuration differences resolved).</summary>
    PrerequisiteNotMet,
}

/// <summary>The stable, machine-readable codes of refusals: the API's problem documents carry them as <c>code</c>.</summary>
public static class DomainCodes
{
    public const string NotFound = "not_found";
    public const string Invalid = "invalid";
    public const string Forbidden = "forbidden";
    public const string Conflict = "conflict";
    public const string PreconditionFailed = "precondition_failed";
    public const string PrerequisiteNotMet = "PREREQUISITE_NOT_MET";

    public static string Of(DomainStatus status) => status switch
    {
        DomainStatus.NotFound => NotFound,
        DomainStatus.Invalid => Invalid,
        DomainStatus.Forbidden => Forbidden,
        DomainStatus.Conflict => Conflict,
        DomainStatus.PreconditionFailed => PreconditionFailed,
        DomainStatus.PrerequisiteNotMet => PrerequisiteNotMet,
        _ => "ok",
    };

    public static string TitleOf(DomainStatus status) => status switch
    {
        DomainStatus.NotFound => "Not found",
        DomainStatus.Invalid => "Invalid request",
        DomainStatus.Forbidden => "Forbidden",
        DomainStatus.Conflict => "Conflict",
        DomainStatus.PreconditionFailed => "Precondition failed",
        DomainStatus.PrerequisiteNotMet => "Prerequisite not met",
        _ => "OK",
    };
}

/// <summary>What a domain write did: the new state, or why nothing changed (status, a sentence, and per-property errors).</summary>
public sealed record DomainResult<T>(DomainStatus Status, T? Value, DomainErrors? Errors, string? Message)
{
    public bool Succeeded => Status == DomainStatus.Ok;

    /// <summary>The stable code of a refusal (<see cref="DomainCodes"/>).</summary>
    public string Code => DomainCodes.Of(Status);
    public string Title => DomainCodes.TitleOf(Status);

    /// <summary>Every message of a refusal, for a dialog or a notification: the per-property ones, else the general one.</summary>
    public IReadOnlyList<string> Messages => Errors is { Any: true } ? Errors.ByProperty.SelectMany(e => e.Value).ToList() : Message is null ? [] : [Message];

    /// <summary>The same refusal for a call that returns another type.</summary>
    public DomainResult<TOther> Refusal<TOther>() =>
        Succeeded ? throw new InvalidOperationException("A success is not a refusal.") : new(Status, default, Errors, Message);

    public static DomainResult<T> Ok(T value) => new(DomainStatus.Ok, value, null, null);
    public static DomainResult<T> NotFound() => new(DomainStatus.NotFound, default, null, "Not found.");
    /// <summary>Not found, saying what: <paramref name="what"/> is e.g. "Server 'rec09'".</summary>
    public static DomainResult<T> NotFound(string what) => new(DomainStatus.NotFound, default, null, $"{what} does not exist.");
    public static DomainResult<T> Invalid(DomainErrors errors) => new(DomainStatus.Invalid, default, errors, "One or more values are invalid; nothing was changed.");
    public static DomainResult<T> Forbidden(string message) => new(DomainStatus.Forbidden, default, null, message);
    public static DomainResult<T> Conflict(string message) => new(DomainStatus.Conflict, default, null, message);
    public static DomainResult<T> PreconditionFailed(string message) => new(DomainStatus.PreconditionFailed, default, null, message);
    public static DomainResult<T> PrerequisiteNotMet(string message) => new(DomainStatus.PrerequisiteNotMet, default, null, message);
}
