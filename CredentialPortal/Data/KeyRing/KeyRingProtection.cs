using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Data.KeyRing;

/// <summary>
/// Start-up check of the key ring against the configured master key, before anything uses Data Protection. Data
/// Protection itself would skip an entry it cannot decrypt and quietly make a new key, leaving every stored secret
/// undecryptable; here a ring sealed with another key, or with a key no longer configured, stops start-up with a
/// message instead. Entries written before a master key was configured are sealed in place, so once a key is set
/// the database holds no key material in the clear and the old keys still decrypt what they protected.
/// </summary>
public sealed class KeyRingProtection(PortalMasterKey masterKey, IDbContextFactory<PortalDbContext> contexts, ILogger<KeyRingProtection> logger)
{
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var entries = await db.DataProtectionKeys.OrderBy(k => k.Id).ToListAsync(cancellationToken);

        // Every sealed entry must open with the configured key before anything is written with it.
        foreach (var entry in entries)
        {
            try
            {
                EnsureOpens(XElement.Parse(entry.Xml!), masterKey);
            }
            catch (CryptographicException e)
            {
                throw new PortalRefusedException(
                    $"CredentialPortal cannot start: {e.Message} Without that key no stored secret, session or token can be read. " +
                    $"Set {PortalMasterKey.ConfigurationKey} (environment variable {PortalMasterKey.EnvironmentVariable}) to the key the " +
                    "database was used with; its fingerprint is logged at every start and printed by `backup`. Nothing was changed.");
            }
        }

        if (!masterKey.IsConfigured)
        {
            logger.LogWarning(
                "{Setting} is not set: the Data Protection key ring is stored in the database unencrypted, so a copy of the database " +
                "decrypts every secret. Allowed in Development only; generate a key with `{Command}`.",
                PortalMasterKey.ConfigurationKey, PortalMasterKey.GenerateCommand);
            return;
        }

        var plaintext = entries.Where(e => KeyRingXml.HoldsPlaintextKey(XElement.Parse(e.Xml!))).ToList();
        if (plaintext.Count > 0)
        {
            await SealAsync(db, plaintext, cancellationToken);
            logger.LogWarning(
                "Sealed {Count} Data Protection key(s) that were stored unencrypted with {Setting}. Backups taken before now still hold them in the clear.",
                plaintext.Count, PortalMasterKey.ConfigurationKey);
        }
        logger.LogInformation("Data Protection key ring: {Count} key(s), encrypted with {Setting} (fingerprint {Fingerprint})",
            entries.Count, PortalMasterKey.ConfigurationKey, masterKey.Fingerprint);
    }

    /// <summary>Throws <see cref="CryptographicException"/>, saying which key is needed, unless every sealed part of the entry opens.</summary>
    public static void EnsureOpens(XElement entry, PortalMasterKey masterKey)
    {
        foreach (var part in KeyRingXml.SealedParts(entry))
        {
            masterKey.Open(part);
        }
    }

    private async Task SealAsync(PortalDbContext db, List<DataProtectionKey> plaintext, CancellationToken cancellationToken)
    {
        var encryptor = new MasterKeyXmlEncryptor(masterKey);
        foreach (var entry in plaintext)
        {
            entry.Xml = KeyRingXml.SealPlaintextParts(XElement.Parse(entry.Xml!), encryptor).ToString(SaveOptions.DisableFormatting);
        }
        if (db.Database.IsSqlite())
        {
            // Overwrite the replaced text rather than leaving it in free space, then copy the WAL into the main file,
            // so the old key material is gone from the files, not only from the rows.
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete = ON;", cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete = OFF;", cancellationToken);
                await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        else
        {
            await db.SaveChangesAsync(cancellationToken);
            // The old row versions stay in the table's files until a full vacuum rewrites them (the table is a few rows).
            await db.Database.ExecuteSqlRawAsync("VACUUM FULL \"DataProtectionKeys\";", cancellationToken);
        }
    }
}
