using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;

namespace CredentialPortal.Domain.Catalog;

/// <summary>The base of every connector entity that holds secrets (AD sync profiles, storage targets, import sources).</summary>
public abstract class CredentialEntity
{
    /// <summary>Optimistic concurrency token, raised on every change (the API's ETag).</summary>
    [ConcurrencyCheck]
    public int Version { get; set; }

    /// <summary>When a public value last changed (secrets record their own time).</summary>
    public DateTime UpdatedAt { get; set; }

    /// <summary>The id as the API writes it in a URL.</summary>
    [NotMapped]
    public abstract string Key { get; }
}
