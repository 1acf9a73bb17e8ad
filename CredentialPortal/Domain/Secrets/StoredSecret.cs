namespace CredentialPortal.Domain.Secrets;

/// <summary>
/// One connector secret, encrypted with Data Protection. All secrets share this table, so "secrets older than
/// N days" is one indexed query and no entity table ever holds secret material.
/// </summary>
public sealed class StoredSecret
{
    public long Id { get; set; }
    /// <summary>The resource name, e.g. <c>storageTargets</c>.</summary>
    public required string Resource { get; set; }
    public required string EntityKey { get; set; }
    /// <summary>The secret's catalog name, e.g. <c>secretAccessKey</c>.</summary>
    public required string Property { get; set; }
    public required string Ciphertext { get; set; }
    public DateTime ChangedAt { get; set; }
}
