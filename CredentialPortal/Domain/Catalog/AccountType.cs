using System.Reflection;

namespace CredentialPortal.Domain.Catalog;

/// <summary>
/// The catalog entry of an account kind (people, machine users): the same public / updatable / secret descriptors the
/// connector types have, read from the class that is its public face. The PATCH allow-list, the API representation and
/// the portal's forms ask here, as they ask <see cref="EntityCatalog"/> for connectors.
/// </summary>
public sealed class AccountType
{
    private AccountType(string resource, string title, Type clrType)
    {
        Resource = resource;
        Title = title;
        ClrType = clrType;
        // Declared order is the wire order; internal members (versions, flags for the portal) are not public properties.
        Properties = clrType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod?.IsPublic == true
                && p.GetCustomAttribute<System.ComponentModel.DataAnnotations.Schema.NotMappedAttribute>() is null)
            .OrderBy(p => p.MetadataToken)
            .Select(p => new PropertyDescriptor(p))
            .ToArray();
        Secrets = clrType.GetCustomAttributes<SecretAttribute>(inherit: true).Select(s => new SecretDescriptor(s.Name, s.Label)).ToArray();
    }

    /// <summary>Describes <typeparamref name="T"/>: its public properties ([Updatable] ones may be changed) and [Secret]s.</summary>
    public static AccountType Of<T>(string resource, string title) => new(resource, title, typeof(T));

    /// <summary>The URL segment and audit entity type, e.g. <c>users</c>.</summary>
    public string Resource { get; }
    public string Title { get; }
    public Type ClrType { get; }
    public IReadOnlyList<PropertyDescriptor> Properties { get; }
    public IReadOnlyList<SecretDescriptor> Secrets { get; }
    public IEnumerable<PropertyDescriptor> Updatable => Properties.Where(p => p.Updatable);

    public PropertyDescriptor? FindProperty(string name) => Properties.FirstOrDefault(p => p.Name == name);
    public SecretDescriptor? FindSecret(string name) => Secrets.FirstOrDefault(s => s.Name == name);

    /// <summary>Property name → value of an instance, in catalog order: what the API writes and the portal lists.</summary>
    public IEnumerable<KeyValuePair<PropertyDescriptor, object?>> ValuesOf(object instance) =>
        Properties.Select(p => KeyValuePair.Create(p, p.GetValue(instance)));
}
