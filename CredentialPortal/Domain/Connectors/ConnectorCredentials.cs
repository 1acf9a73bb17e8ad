using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.ConnectionChecks;
using CredentialPortal.Domain.Secrets;
using CredentialPortal.Domain.Verification;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Connectors;

/// <summary>The state of one secret as anyone may see it: whether it is set and when it last changed. Never its value.</summary>
public sealed record SecretState(SecretDescriptor Secret, DateTime? ChangedAt)
{
    public bool IsSet => ChangedAt is not null;
}

/// <summary>An entity's public face: its type, public values in catalog order, secret states and version (ETag).</summary>
public sealed record EntitySnapshot(
    EntityTypeDescriptor Type,
    string Id,
    int Version,
    IReadOnlyList<KeyValuePair<PropertyDescriptor, object?>> Values,
    IReadOnlyList<SecretState> Secrets)
{
    public object? this[string property] => Values.FirstOrDefault(v => v.Key.Name == property).Value;
}

/// <summary>A page of entities; <see cref="Next"/> is where the next page starts (null on the last page).</summary>
public sealed record EntityPage(IReadOnlyList<EntitySnapshot> Items, int Total, ListCursor? Next = null);

/// <summary>
/// The one domain service for connector credentials (AD sync profiles, storage targets, import sources): list, read,
/// change and verify, with the catalog's allow-lists, the types' validators, encryption at rest, the audit chain
/// and the verification lockout. The portal and the REST API (and so the CLI) all come here.
/// </summary>
public sealed class ConnectorCredentials(
    IDbContextFactory<PortalDbContext> contexts,
    IServiceProvider services,
    SecretProtector protector,
    AuditTrail audit,
    VerificationLockout lockout,
    EntitySnapshotCache snapshots,
    TimeProvider clock)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public const int MaxSecretLength = 8192;

    private readonly DatabaseExclusion entityChanges = new("entity-changes");

    /// <summary>The cursor's list and sort: connector lists are always ordered by id.</summary>
    private static string CursorSort(EntityResource resource) => resource.Name + ":id";

    /// <summary>
    /// One page of a resource by offset, or, with <paramref name="after"/>, the page after that cursor's row (a seek on
    /// the key, so as cheap at any depth as the first page). An <paramref name="after"/> that is not this resource's
    /// cursor is invalid; the endpoint turns that into a 400 before calling, see <see cref="IsCursorOf"/>. With
    /// <paramref name="lastCheck"/> only the entities whose last connection check matches it.
    /// </summary>
    public async Task<EntityPage> ListAsync(EntityResource resource, string? typeName, string? search, int offset, int limit, ListCursor? after = null,
        ConnectionCheckFilter? lastCheck = null, CancellationToken cancellationToken = default)
    {
        offset = Math.Max(0, offset);
        limit = Math.Clamp(limit, 1, MaxPageSize);
        object? afterId = null;
        if (after is not null && !TryParseCursor(resource, after, out afterId)) throw new ArgumentException("Not a cursor of this list.", nameof(after));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var total = await resource.Query(db, typeName, search, lastCheck: lastCheck).CountAsync(cancellationToken);
        var query = resource.Query(db, typeName, search, afterId, lastCheck).AsNoTracking();
        // One row more than the page says whether a next page exists, in the same query.
        var items = await (afterId is null ? query.Skip(offset) : query).Take(limit + 1).ToListAsync(cancellationToken);
        var next = items.Count > limit ? new ListCursor(CursorSort(resource), null, items[limit - 1].Key) : null;
        if (next is not null) items.RemoveAt(limit);
        var secrets = await SecretsOfAsync(db, resource, items.Select(e => e.Key).ToList(), cancellationToken);
        return new(items.Select(e => Snapshot(e, secrets)).ToList(), total, next);
    }

    /// <summary>Whether <paramref name="cursor"/> can continue a list of <paramref name="resource"/>.</summary>
    public static bool IsCursorOf(EntityResource resource, ListCursor cursor) => TryParseCursor(resource, cursor, out _);

    private static bool TryParseCursor(EntityResource resource, ListCursor cursor, out object? id)
    {
        id = null;
        if (cursor.Sort != CursorSort(resource) || cursor.Value is not null || !resource.TryParseId(cursor.Id, out var parsed)) return false;
        id = parsed;
        return true;
    }

    public async Task<EntitySnapshot?> GetAsync(EntityResource resource, string id, CancellationToken cancellationToken = default)
    {
        if (!resource.TryParseId(id, out var key)) return null;
        if (snapshots.TryGet(resource, key, out var cached)) return cached;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await resource.FindAsync(db, key, cancellationToken);
        if (entity is null) return null;
        return snapshots.Remember(resource, key, Snapshot(entity, await SecretsOfAsync(db, resource, [entity.Key], cancellationToken)));
    }

    /// <summary>
    /// Applies the sent properties (public and secret) all together or not at all. Unknown, read-only, wrongly typed
    /// and invalid values are all reported, each under its property name. <paramref name="expectedVersion"/> is the
    /// caller's If-Match; a stale one changes nothing.
    /// </summary>
    public Task<DomainResult<EntitySnapshot>> PatchAsync(
        Actor actor, EntityResource resource, string id, IReadOnlyDictionary<string, JsonNode?> patch, int? expectedVersion = null,
        CancellationToken cancellationToken = default) =>
        LastWriteWins.RetryAsync(ifMatch: expectedVersion is not null, () => PatchOnceAsync(actor, resource, id, patch, expectedVersion, cancellationToken));

    private async Task<DomainResult<EntitySnapshot>> PatchOnceAsync(
        Actor actor, EntityResource resource, string id, IReadOnlyDictionary<string, JsonNode?> patch, int? expectedVersion,
        CancellationToken cancellationToken)
    {
        if (actor.Refuse<EntitySnapshot>(Permission.ChangeCredentials) is { } refused) return refused;
        if (!resource.TryParseId(id, out var key)) return DomainResult<EntitySnapshot>.NotFound($"{resource.Title} '{id}'");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // Changes to one entity queue up rather than collide (across instances too): "last write wins" needs no retry.
        await using var section = await entityChanges.EnterAsync(db, resource.Name + "/" + id, cancellationToken);
        var entity = await resource.FindAsync(db, key, cancellationToken);
        if (entity is null) return DomainResult<EntitySnapshot>.NotFound($"{resource.Title} '{id}'");
        if (expectedVersion is { } expected && expected != entity.Version)
        {
            return DomainResult<EntitySnapshot>.PreconditionFailed("The entity changed since you read it. Read it again and retry.");
        }

        var type = EntityCatalog.TypeOf(entity);
        var errors = new DomainErrors();
        var publicChanges = new List<(PropertyDescriptor Property, object? Value)>();
        var secretChanges = new List<(SecretDescriptor Secret, string Value)>();
        foreach (var (name, node) in patch)
        {
            if (type.FindSecret(name) is { } secret)
            {
                if (node is JsonValue v && v.TryGetValue<string>(out var plain) && plain.Length is > 0 and <= MaxSecretLength)
                {
                    secretChanges.Add((secret, plain));
                }
                else
                {
                    errors.Add(name, $"'{secret.Label}' must be a non-empty string of at most {MaxSecretLength} characters.", "invalid_secret");
                }
            }
            else if (type.FindProperty(name) is { } property)
            {
                if (!property.Updatable)
                {
                    errors.Add(name, $"'{property.Label}' is read-only.", "read_only");
                }
                else if (property.TryRead(node, out var value, out var error))
                {
                    publicChanges.Add((property, value));
                }
                else
                {
                    errors.Add(name, error!, "wrong_type");
                }
            }
            else if (name == "type")
            {
                errors.Add(name, "The type of an entity cannot be changed.", "read_only");
            }
            else
            {
                errors.Add(name, $"'{name}' is not a property of a {type.Name} {resource.Title.ToLowerInvariant()}.", "unknown_property");
            }
        }
        if (patch.Count == 0)
        {
            errors.Add("", "Send at least one property to change.", "empty");
        }
        if (errors.Any) return DomainResult<EntitySnapshot>.Invalid(errors);

        var changes = new Dictionary<string, (object?, object?)>();
        foreach (var (property, value) in publicChanges)
        {
            var before = property.GetValue(entity);
            property.SetValue(entity, value);
            if (!Equals(before, value)) changes[property.Name] = (before, value);
        }

        // Validate what this request changes: a patch is judged on its own values, not on older data it does not touch.
        if (publicChanges.Count > 0)
        {
            var validator = (IValidator)services.GetRequiredService(typeof(IValidator<>).MakeGenericType(type.ClrType));
            var context = new ValidationContext<object>(entity, new FluentValidation.Internal.PropertyChain(),
                new FluentValidation.Internal.MemberNameValidatorSelector(publicChanges.Select(c => c.Property.Property.Name)));
            var result = await validator.ValidateAsync(context, cancellationToken);
            if (!result.IsValid)
            {
                return DomainResult<EntitySnapshot>.Invalid(DomainErrors.From(result, n => type.Properties.First(p => p.Property.Name == n).Name));
            }
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var stored = await db.StoredSecrets.Where(s => s.Resource == resource.Name && s.EntityKey == entity.Key).ToListAsync(cancellationToken);
        foreach (var (secret, plain) in secretChanges)
        {
            var row = stored.FirstOrDefault(s => s.Property == secret.Name);
            if (row is null)
            {
                row = new StoredSecret { Resource = resource.Name, EntityKey = entity.Key, Property = secret.Name, Ciphertext = "" };
                db.StoredSecrets.Add(row);
                stored.Add(row);
            }
            row.Ciphertext = protector.Protect(resource.Name, entity.Key, secret.Name, plain);
            row.ChangedAt = now;
        }

        if (changes.Count == 0 && secretChanges.Count == 0)
        {
            return DomainResult<EntitySnapshot>.Ok(Snapshot(entity, stored)); // nothing differs: no new version, no audit noise
        }
        entity.Version++;
        if (changes.Count > 0) entity.UpdatedAt = now;

        var records = new List<AuditRecord>();
        if (changes.Count > 0)
        {
            records.Add(audit.Describe(actor, AuditActions.Update, resource.Name, entity.Key, changes.Keys, changes));
        }
        if (secretChanges.Count > 0)
        {
            records.Add(audit.Describe(actor, AuditActions.SecretRotated, resource.Name, entity.Key, secretChanges.Select(s => s.Secret.Name)));
        }
        try
        {
            await audit.CommitAsync(db, records, cancellationToken);
            await section.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            snapshots.Forget(resource, key);
            // With If-Match the caller's version is no longer current (412); without it, a collision to retry (409).
            const string collided = "The entity changed while this change was being saved. Read it again and retry.";
            return expectedVersion is null ? DomainResult<EntitySnapshot>.Conflict(collided) : DomainResult<EntitySnapshot>.PreconditionFailed(collided);
        }
        return DomainResult<EntitySnapshot>.Ok(await snapshots.ChangedAsync(resource, key, Snapshot(entity, stored)));
    }

    /// <summary>
    /// Does <paramref name="value"/> equal the stored secret? Counts toward the caller's lockout. A property that is
    /// not a secret of the entity's type is an error, not a "false".
    /// </summary>
    public async Task<DomainResult<VerificationOutcome>> VerifyAsync(
        Actor actor, EntityResource resource, string id, string property, string value, CancellationToken cancellationToken = default)
    {
        if (actor.Refuse<VerificationOutcome>(Permission.VerifyCredentials) is { } refused) return refused;
        if (!resource.TryParseId(id, out var key)) return DomainResult<VerificationOutcome>.NotFound($"{resource.Title} '{id}'");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entity = await resource.FindAsync(db, key, cancellationToken);
        if (entity is null) return DomainResult<VerificationOutcome>.NotFound($"{resource.Title} '{id}'");
        var type = EntityCatalog.TypeOf(entity);
        if (type.FindSecret(property ?? "") is not { } secret)
        {
            var names = string.Join(", ", type.Secrets.Select(s => s.Name));
            return DomainResult<VerificationOutcome>.Invalid(new DomainErrors().Add("property",
                $"'{property}' is not a secret of a {type.Name} {resource.Title.ToLowerInvariant()}. Its secrets: {names}.", "not_a_secret"));
        }
        var stored = await db.StoredSecrets.AsNoTracking()
            .FirstOrDefaultAsync(s => s.Resource == resource.Name && s.EntityKey == entity.Key && s.Property == secret.Name, cancellationToken);
        var outcome = await lockout.VerifyAsync(actor, resource.Name, entity.Key, secret.Name,
            () => stored is not null && protector.Matches(stored, value ?? ""), cancellationToken);
        return DomainResult<VerificationOutcome>.Ok(outcome);
    }

    private static async Task<List<StoredSecret>> SecretsOfAsync(PortalDbContext db, EntityResource resource, List<string> keys, CancellationToken cancellationToken) =>
        keys.Count == 0
            ? []
            : await db.StoredSecrets.AsNoTracking()
                .Where(s => s.Resource == resource.Name && keys.Contains(s.EntityKey))
                .ToListAsync(cancellationToken);

    private static EntitySnapshot Snapshot(CredentialEntity entity, IEnumerable<StoredSecret> secrets)
    {
        var type = EntityCatalog.TypeOf(entity);
        var mine = secrets.Where(s => s.EntityKey == entity.Key).ToList();
        return new(
            type,
            entity.Key,
            entity.Version,
            type.Properties.Select(p => KeyValuePair.Create(p, p.GetValue(entity))).ToList(),
            type.Secrets.Select(s => new SecretState(s, mine.FirstOrDefault(m => m.Property == s.Name)?.ChangedAt)).ToList());
    }
}
