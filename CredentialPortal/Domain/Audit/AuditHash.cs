using System.Security.Cryptography;
using System.Text.Json;

namespace CredentialPortal.Domain.Audit;

/// <summary>
/// The hash that chains audit records. Compiled into the portal and into the <c>unify</c> CLI (linked, not copied), so
/// an offline check recomputes exactly what the portal wrote.
/// </summary>
public static class AuditHash
{
    public static readonly string Genesis = new('0', 64);

    public static string Compute(AuditRecord r)
    {
        // A JSON array is an unambiguous encoding of the fields: no separator can be forged inside a value.
        var content = JsonSerializer.SerializeToUtf8Bytes(new object?[]
        {
            r.Sequence, r.OccurredAt.Ticks, r.ActorId, r.ActorName, r.Door.ToString(), r.Action, r.EntityType, r.EntityId,
            r.Properties, r.Changes, r.Outcome, r.ClientAddress, r.CorrelationId, r.PreviousHash,
        });
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }
}
