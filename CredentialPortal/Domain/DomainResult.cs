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

public enum DomainStatus
{
    Ok,
    NotFound,
    Invalid,
    /// <summary>The caller's copy is stale (If-Match / concurrency token).</summary>
    Conflict,
    /// <summary>Something with this name or id exists already.</summary>
    Duplicate,
}

/// <summary>What a domain write did: the new state, or why nothing changed.</summary>
public sealed record DomainResult<T>(DomainStatus Status, T? Value, DomainErrors? Errors, string? Message)
{
    public bool Succeeded => Status == DomainStatus.Ok;

    /// <summary>Every message of a refusal, for a dialog or a notification: the per-property ones, else the general one.</summary>
    public IReadOnlyList<string> Messages => Errors is { Any: true } ? Errors.ByProperty.SelectMany(e => e.Value).ToList() : Message is null ? [] : [Message];
    public static DomainResult<T> Ok(T value) => new(DomainStatus.Ok, value, null, null);
    public static DomainResult<T> NotFound() => new(DomainStatus.NotFound, default, null, "Not found.");
    public static DomainResult<T> Invalid(DomainErrors errors) => new(DomainStatus.Invalid, default, errors, "One or more values are invalid; nothing was changed.");
    public static DomainResult<T> Conflict(string message) => new(DomainStatus.Conflict, default, null, message);
    public static DomainResult<T> Duplicate(string message) => new(DomainStatus.Duplicate, default, null, message);
    public static DomainResult<T> NotFound(string message) => new(DomainStatus.NotFound, default, null, message);
}
