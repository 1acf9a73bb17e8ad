using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.ConnectionChecks;
using CredentialPortal.Domain.Connectors;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Catalog;

/// <summary>
/// docs/design.md §3.1 in code: every connector resource, its types, their public properties (which are updatable) and their
/// secrets. The API's allow-lists, the validators, the edit forms and verify's property names all read this; nothing
/// else lists them. A type is a class marked <see cref="EntityTypeAttribute"/> deriving from a resource's base class:
/// the catalog finds it, EF maps it, and the API and portal serve it.
/// </summary>
public static class EntityCatalog
{
    public static EntityResource AdSyncProfiles { get; } =
        new EntityResource<AdSyncProfile, Guid>("adSyncProfiles", "AD sync profile", "AD sync profiles", "/ad-sync-profiles",
            db => db.AdSyncProfiles, e => e.Id, nameof(AdSyncProfile.Description));

    public static EntityResource StorageTargets { get; } =
        new EntityResource<StorageTarget, int>("storageTargets", "Storage target", "Storage targets", "/storage-targets",
            db => db.StorageTargets, e => e.Id, nameof(StorageTarget.Name));

    public static EntityResource ImportSources { get; } =
        new EntityResource<ImportSource, int>("importSources", "Import source", "Import sources", "/import-sources",
            db => db.ImportSources, e => e.Id, nameof(ImportSource.Name));

    public static IReadOnlyList<EntityResource> Resources { get; } = [AdSyncProfiles, StorageTargets, ImportSources];

    public static EntityResource? FindResource(string name) =>
        Resources.FirstOrDefault(r => r.Name.Equals(name, StringComparison.Ordinal));

    public static EntityTypeDescriptor TypeOf(CredentialEntity entity) =>
        Resources.SelectMany(r => r.Types).First(t => t.ClrType == entity.GetType());
}

/// <summary>One entity type (e.g. <c>amazon_s3</c>) of a resource.</summary>
public sealed class EntityTypeDescriptor
{
    internal EntityTypeDescriptor(EntityResource resource, Type clrType)
    {
        var attribute = clrType.GetCustomAttribute<EntityTypeAttribute>()
            ?? throw new InvalidOperationException($"{clrType.Name} has no [EntityType].");
        Resource = resource;
        ClrType = clrType;
        Name = attribute.Name;
        Title = attribute.Title;

        // The type's own properties first, then the resource's (id, name…): the order the documented responses use
        // (docs/requirements.md §3).
        Properties = clrType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.DeclaringType != typeof(CredentialEntity) && p.DeclaringType != typeof(object)
                && p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<System.ComponentModel.DataAnnotations.Schema.NotMappedAttribute>() is null)
            .OrderBy(p => Depth(p.DeclaringType!) * -1)
            .ThenBy(p => p.MetadataToken)
            .Select(p => new PropertyDescriptor(p))
            .ToArray();
        Secrets = clrType.GetCustomAttributes<SecretAttribute>(inherit: true)
            .Select(s => new SecretDescriptor(s.Name, s.Label))
            .ToArray();
    }

    public EntityResource Resource { get; }
    /// <summary>The wire's <c>type</c> value.</summary>
    public string Name { get; }
    public string Title { get; }
    public Type ClrType { get; }
    public IReadOnlyList<PropertyDescriptor> Properties { get; }
    public IReadOnlyList<SecretDescriptor> Secrets { get; }

    public PropertyDescriptor? FindProperty(string name) => Properties.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// The messages for one field as an edit form holds it (<paramref name="values"/>: every field by wire name, as JSON),
    /// by the rules a PATCH applies: the property's own type check, then the type's validator (which may look at the
    /// other fields). Empty when the value is valid.
    /// </summary>
    public IReadOnlyList<string> ValidateValue(IServiceProvider services, IReadOnlyDictionary<string, JsonNode?> values, PropertyDescriptor property)
    {
        if (!property.TryRead(values.GetValueOrDefault(property.Name), out _, out var error)) return [error!];
        var entity = (CredentialEntity)Activator.CreateInstance(ClrType)!;
        foreach (var other in Properties)
        {
            if (values.TryGetValue(other.Name, out var node) && other.TryRead(node, out var value, out _)) other.SetValue(entity, value);
        }
        var validator = (IEntityValidator)services.GetRequiredService(typeof(FluentValidation.IValidator<>).MakeGenericType(ClrType));
        return validator.ValidateValue(entity, property.Property.Name);
    }
    public SecretDescriptor? FindSecret(string name) => Secrets.FirstOrDefault(s => s.Name == name);

    private static int Depth(Type type)
    {
        var depth = 0;
        for (var t = type; t is not null; t = t.BaseType) depth++;
        return depth;
    }
}

/// <summary>A REST resource (<c>storageTargets</c>…): its types and how to query its table.</summary>
public abstract class EntityResource(string name, string title, string pluralTitle, string portalPath)
{
    /// <summary>The URL segment and audit entity type, e.g. <c>storageTargets</c>.</summary>
    public string Name { get; } = name;
    public string Title { get; } = title;
    public string PluralTitle { get; } = pluralTitle;
    /// <summary>Where the portal lists this resource.</summary>
    public string PortalPath { get; } = portalPath;
    public abstract Type BaseType { get; }
    public abstract IReadOnlyList<EntityTypeDescriptor> Types { get; }

    public EntityTypeDescriptor? FindType(string typeName) => Types.FirstOrDefault(t => t.Name == typeName);

    /// <summary>Parses an id from a URL; false for anything that is not this resource's id form.</summary>
    public abstract bool TryParseId(string text, out object id);

    public abstract Task<CredentialEntity?> FindAsync(PortalDbContext db, object id, CancellationToken cancellationToken);

    /// <summary>
    /// The resource's rows, filtered by type and a case-insensitive search, ordered by id; with <paramref name="afterId"/>
    /// (a parsed id) only the rows after it, a seek on the primary key for keyset paging; with <paramref name="lastCheck"/>
    /// only the rows whose last connection check matches it (a subquery on the connection check states, in the same query).
    /// </summary>
    public abstract IQueryable<CredentialEntity> Query(PortalDbContext db, string? typeName, string? search, object? afterId = null,
        ConnectionCheckFilter? lastCheck = null);

    /// <summary>
    /// The resource's entities as (table, key, name) rows for <see cref="EntityNames"/>, only those with <paramref name="keys"/>
    /// when given (null for none of them parses as an id). The name is the resource's search property.
    /// </summary>
    internal abstract IQueryable<EntityNameRow>? Names(PortalDbContext db, IReadOnlyCollection<string>? keys);
}

public sealed class EntityResource<TEntity, TKey> : EntityResource
    where TEntity : CredentialEntity
    where TKey : struct
{
    private readonly Func<PortalDbContext, DbSet<TEntity>> set;
    private readonly Expression<Func<TEntity, TKey>> key;
    private readonly string searchProperty;
    private readonly EntityTypeDescriptor[] types;

    internal EntityResource(string name, string title, string pluralTitle, string portalPath,
        Func<PortalDbContext, DbSet<TEntity>> set, Expression<Func<TEntity, TKey>> key, string searchProperty)
        : base(name, title, pluralTitle, portalPath)
    {
        this.set = set;
        this.key = key;
        this.searchProperty = searchProperty;
        types = typeof(TEntity).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(TEntity).IsAssignableFrom(t) && t.GetCustomAttribute<EntityTypeAttribute>() is not null)
            .OrderBy(t => t.GetCustomAttribute<EntityTypeAttribute>()!.Name, StringComparer.Ordinal)
            .Select(t => new EntityTypeDescriptor(this, t))
            .ToArray();
    }

    public override Type BaseType => typeof(TEntity);
    public override IReadOnlyList<EntityTypeDescriptor> Types => types;

    public override bool TryParseId(string text, out object id)
    {
        id = default(TKey);
        if (typeof(TKey) == typeof(int))
        {
            if (Identifiers.TryParseNumber(text, out var i))
            {
                id = i;
                return true;
            }
            return false;
        }
        if (typeof(TKey) == typeof(Guid) && Identifiers.TryParseGuid(text, out var g))
        {
            id = g;
            return true;
        }
        return false;
    }

    public override async Task<CredentialEntity?> FindAsync(PortalDbContext db, object id, CancellationToken cancellationToken)
    {
        // The id goes in as a captured variable, so EF sends it as a parameter and reuses one compiled query for all ids.
        var holder = new IdHolder((TKey)id);
        var parameter = key.Parameters[0];
        var value = Expression.Property(Expression.Constant(holder), nameof(IdHolder.Value));
        var equals = Expression.Lambda<Func<TEntity, bool>>(Expression.Equal(key.Body, value), parameter);
        return await set(db).FirstOrDefaultAsync(equals, cancellationToken);
    }

    private sealed record IdHolder(TKey Value);

    private sealed record IdsHolder(List<TKey> Value);

    internal override IQueryable<EntityNameRow>? Names(PortalDbContext db, IReadOnlyCollection<string>? keys)
    {
        IQueryable<TEntity> rows = set(db);
        var parameter = key.Parameters[0];
        if (keys is not null)
        {
            var ids = keys.Select(k => TryParseId(k, out var id) ? (TKey?)id : null).OfType<TKey>().ToList();
            if (ids.Count == 0) return null;
            // ids.Contains(key), the list as a parameter.
            var list = Expression.Property(Expression.Constant(new IdsHolder(ids)), nameof(IdsHolder.Value));
            var contains = Expression.Call(list, typeof(List<TKey>).GetMethod(nameof(List<TKey>.Contains))!, key.Body);
            rows = rows.Where(Expression.Lambda<Func<TEntity, bool>>(contains, parameter));
        }
        // Keys as the audit log writes them (CredentialEntity.Key): Guids upper-case.
        var keyText = KeyText(key.Body);
        var name = Expression.Call(typeof(EF), nameof(EF.Property), [typeof(string)], parameter, Expression.Constant(searchProperty));
        var row = Expression.MemberInit(Expression.New(typeof(EntityNameRow)),
            Expression.Bind(typeof(EntityNameRow).GetProperty(nameof(EntityNameRow.Table))!, Expression.Constant(Name)),
            Expression.Bind(typeof(EntityNameRow).GetProperty(nameof(EntityNameRow.Key))!, keyText),
            Expression.Bind(typeof(EntityNameRow).GetProperty(nameof(EntityNameRow.Name))!, name));
        return rows.Select(Expression.Lambda<Func<TEntity, EntityNameRow>>(row, parameter));
    }

    public override IQueryable<CredentialEntity> Query(PortalDbContext db, string? typeName, string? search, object? afterId = null,
        ConnectionCheckFilter? lastCheck = null)
    {
        IQueryable<TEntity> query = set(db);
        if (afterId is TKey after)
        {
            // key > after, as a parameter. Guids have no > operator in C#: CompareTo(…) > 0, which EF translates to >.
            var value = Expression.Property(Expression.Constant(new IdHolder(after)), nameof(IdHolder.Value));
            Expression greater = typeof(TKey) == typeof(Guid)
                ? Expression.GreaterThan(Expression.Call(key.Body, typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!, value), Expression.Constant(0))
                : Expression.GreaterThan(key.Body, value);
            query = query.Where(Expression.Lambda<Func<TEntity, bool>>(greater, key.Parameters[0]));
        }
        if (!string.IsNullOrEmpty(typeName))
        {
            query = query.Where(e => EF.Property<string>(e, PortalDbContext.TypeColumn) == typeName);
        }
        if (!string.IsNullOrWhiteSpace(search))
        {
            query = query.WhereAnyContains(db, search, e => EF.Property<string>(e, searchProperty));
        }
        if (lastCheck is not null)
        {
            query = query.Where(LastCheckMatches(db, lastCheck));
        }
        return query.OrderBy(key);
    }

    /// <summary>
    /// e => [not] (keys of this resource's checks with a matching result).Contains(e's key as the checks store it).
    /// "Never checked" is not among the keys with any result.
    /// </summary>
    private Expression<Func<TEntity, bool>> LastCheckMatches(PortalDbContext db, ConnectionCheckFilter filter)
    {
        var resourceName = Name;
        var results = filter.Results.Select(r => r.Wire()).ToList();
        var checkedKeys = filter.NeverChecked
            ? db.ConnectionCheckStates.Where(s => s.Resource == resourceName && s.Result != "").Select(s => s.EntityKey)
            : db.ConnectionCheckStates.Where(s => s.Resource == resourceName && results.Contains(s.Result)).Select(s => s.EntityKey);
        var contains = Expression.Call(typeof(Queryable), nameof(Queryable.Contains), [typeof(string)], checkedKeys.Expression, KeyText(key.Body));
        return Expression.Lambda<Func<TEntity, bool>>(filter.NeverChecked ? Expression.Not(contains) : contains, key.Parameters[0]);
    }

    /// <summary>
    /// The key as <see cref="CredentialEntity.Key"/> writes it (how connection checks store it), in SQL: a number's
    /// digits; a Guid upper-case, whatever text the engine gives a uuid.
    /// </summary>
    private static MethodCallExpression KeyText(Expression keyValue)
    {
        var text = Expression.Call(keyValue, typeof(TKey).GetMethod(nameof(ToString), Type.EmptyTypes)!);
        return typeof(TKey) == typeof(Guid) ? Expression.Call(text, typeof(string).GetMethod(nameof(string.ToUpper), Type.EmptyTypes)!) : text;
    }
}
