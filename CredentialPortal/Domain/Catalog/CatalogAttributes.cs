namespace CredentialPortal.Domain.Catalog;

/// <summary>Marks a class as one type of a resource; <paramref name="name"/> is the wire's <c>type</c> value.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EntityTypeAttribute(string name, string title) : Attribute
{
    public string Name { get; } = name;
    public string Title { get; } = title;
}

/// <summary>A public property that PATCH and the portal's edit form may change. Unmarked ones are read-only.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class UpdatableAttribute : Attribute;

/// <summary>
/// A secret of the type: write-only, stored encrypted, never returned. It is not a CLR property, so no
/// serializer, log line or page can read it by accident.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = true)]
public sealed class SecretAttribute(string name, string label) : Attribute
{
    public string Name { get; } = name;
    public string Label { get; } = label;
}

/// <summary>
/// A property added after the source document's wire shape: left out of a response while it is null, so an entity
/// that does not use it answers exactly as the document prints it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OmittedWhenNullAttribute : Attribute;
