using System.Security.Cryptography;
using System.Text;
using CredentialPortal.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Domain.Audit;

/// <summary>
/// The audit signing key (ECDSA P-256, made once, its private half stored like every secret: Data Protection, in
/// the secrets table) and the signed JSONL export that <c>unify audit verify</c> checks offline.
/// </summary>
public sealed class AuditEvidence(IDbContextFactory<PortalDbContext> contexts, IDataProtectionProvider dataProtection, TimeProvider clock) : IDisposable
{
    public void Dispose() => loading.Dispose();

    private readonly IDataProtector protector = dataProtection.CreateProtector("CredentialPortal.AuditSigningKey.v1");

    private readonly SemaphoreSlim loading = new(1, 1);
    private byte[]? privateKey;

    /// <summary>The public half, base64 SubjectPublicKeyInfo: shown in Settings, served at /audit/signing-key.</summary>
    public async Task<string> PublicKeyAsync(CancellationToken cancellationToken = default)
    {
        using var key = await KeyAsync(cancellationToken);
        return Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>
    /// Records whose time falls in [from, to), widened to whole sequence runs (times of concurrent writers may
    /// interleave, and an export with a gap would not verify), oldest first, then the signature line.
    /// </summary>
    public async Task WriteJsonlAsync(Stream output, DateTime? fromUtc, DateTime? toUtc, CancellationToken cancellationToken = default)
    {
        using var key = await KeyAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var records = db.AuditRecords.AsNoTracking();
        var inRange = records;
        if (fromUtc is { } from) inRange = inRange.Where(r => r.OccurredAt >= from);
        if (toUtc is { } to) inRange = inRange.Where(r => r.OccurredAt < to);
        var first = await inRange.MinAsync(r => (long?)r.Sequence, cancellationToken);
        var last = await inRange.MaxAsync(r => (long?)r.Sequence, cancellationToken);

        var signed = new MemoryStream();
        long firstSeq = 0, lastSeq = 0;
        var lastHash = AuditHash.Genesis;
        if (first is not null)
        {
            await foreach (var r in records.Where(r => r.Sequence >= first && r.Sequence <= last).OrderBy(r => r.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                if (firstSeq == 0) firstSeq = r.Sequence;
                var line = Encoding.UTF8.GetBytes(AuditExportFormat.RecordLine(r) + "\n");
                signed.Write(line);
                await output.WriteAsync(line, cancellationToken);
                lastSeq = r.Sequence;
                lastHash = r.Hash;
            }
        }
        var signature = AuditExportFormat.SignatureLine(firstSeq, lastSeq, lastHash, signed.ToArray(), key);
        await output.WriteAsync(Encoding.UTF8.GetBytes(signature + "\n"), cancellationToken);
    }

    private async Task<ECDsa> KeyAsync(CancellationToken cancellationToken)
    {
        if (privateKey is null)
        {
            await loading.WaitAsync(cancellationToken);
            try
            {
                privateKey ??= await LoadOrCreateAsync(cancellationToken);
            }
            finally
            {
                loading.Release();
            }
        }
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(privateKey, out _);
        return key;
    }

    /// <summary>Made at first start (DatabaseStartup asks for it); with several instances the first one's key wins.</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken = default) => (await KeyAsync(cancellationToken)).Dispose();

    private async Task<byte[]> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var stored = await db.AuditSigningKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == AuditSigningKey.TheKey, cancellationToken);
            if (stored is not null)
            {
                return protector.Unprotect(Convert.FromBase64String(stored.ProtectedPrivateKey));
            }
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var pkcs8 = key.ExportPkcs8PrivateKey();
            db.AuditSigningKeys.Add(new AuditSigningKey
            {
                Id = AuditSigningKey.TheKey,
                ProtectedPrivateKey = Convert.ToBase64String(protector.Protect(pkcs8)),
                PublicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()),
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return pkcs8;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another instance stored its key first (same primary key): use that one.
            }
        }
    }
}

/// <summary>The audit signing key: one row; the private half encrypted with Data Protection, the public half in the clear.</summary>
public sealed class AuditSigningKey
{
    public const int TheKey = 1;
    public int Id { get; set; }
    public required string ProtectedPrivateKey { get; set; }
    public required string PublicKey { get; set; }
    public DateTime CreatedAt { get; set; }
}
