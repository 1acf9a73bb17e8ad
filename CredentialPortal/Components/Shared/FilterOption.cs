namespace CredentialPortal.Components.Shared;

/// <summary>One choice of a <see cref="FilterSelect{TValue}"/>: the value the list filters by and the text a person reads.</summary>
public sealed record FilterOption<TValue>(TValue Value, string Label);
