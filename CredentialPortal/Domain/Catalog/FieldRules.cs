using System.Text.RegularExpressions;
using FluentValidation;

namespace CredentialPortal.Domain.Catalog;

/// <summary>An entity type's validator asked about one field, as an edit form asks while someone types.</summary>
public interface IEntityValidator
{
    /// <summary>The messages of <paramref name="propertyName"/>'s rules (the CLR name) for <paramref name="entity"/>; empty when valid.</summary>
    IReadOnlyList<string> ValidateValue(CredentialEntity entity, string propertyName);
}

/// <summary>The base of every entity type's validator: one message per field, the first rule it breaks.</summary>
public abstract class EntityValidator<T> : AbstractValidator<T>, IEntityValidator
{
    protected EntityValidator() => RuleLevelCascadeMode = CascadeMode.Stop;

    /// <inheritdoc />
    public IReadOnlyList<string> ValidateValue(CredentialEntity entity, string propertyName) =>
        Validate(ValidationContext<T>.CreateWithOptions((T)(object)entity, options => options.IncludeProperties(propertyName)))
            .Errors.Select(e => e.ErrorMessage).ToList();
}

/// <summary>Field rules that several entity types share, so each is written once.</summary>
public static partial class FieldRules
{
    public const int MaxTextLength = 256;

    public static IRuleBuilderOptions<T, string> HostName<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(253)
            .Must(BeHostName).WithMessage("'{PropertyName}' must be a host name (letters, digits, dots and hyphens) or an IP address.");

    public static IRuleBuilderOptions<T, int> Port<T>(this IRuleBuilder<T, int> rule) =>
        rule.InclusiveBetween(1, 65535).WithMessage("'{PropertyName}' must be a port number from 1 to 65535.");

    public static IRuleBuilderOptions<T, int?> Port<T>(this IRuleBuilder<T, int?> rule) =>
        rule.InclusiveBetween(1, 65535).WithMessage("'{PropertyName}' must be a port number from 1 to 65535.");

    public static IRuleBuilderOptions<T, string> AbsoluteUrl<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(2048)
            .Must(v => Uri.TryCreate(v, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp))
            .WithMessage("'{PropertyName}' must be an absolute http(s) URL.");

    public static IRuleBuilderOptions<T, string> Name<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(MaxTextLength).Must(NotContainControlCharacters)
            .WithMessage("'{PropertyName}' must not contain control characters.");

    public static IRuleBuilderOptions<T, string?> OptionalText<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(MaxTextLength).Must(v => v is null || NotContainControlCharacters(v))
            .WithMessage("'{PropertyName}' must not contain control characters.");

    public static IRuleBuilderOptions<T, string> Identifier<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(MaxTextLength).Must(v => v.All(c => !char.IsWhiteSpace(c) && !char.IsControl(c)))
            .WithMessage("'{PropertyName}' must not contain spaces or control characters.");

    public static bool BeHostName(string value)
    {
        if (string.IsNullOrEmpty(value)) return false;
        if (System.Net.IPAddress.TryParse(value, out _)) return true;
        return HostNamePattern().IsMatch(value);
    }

    public static bool NotContainControlCharacters(string value) => !value.Any(char.IsControl);

    [GeneratedRegex(@"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")]
    private static partial Regex HostNamePattern();
}
