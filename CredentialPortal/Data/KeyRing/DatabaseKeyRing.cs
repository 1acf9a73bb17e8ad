using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Data.KeyRing;

/// <summary>
/// The Data Protection key ring kept in the portal's database, so every instance over one database shares it and a
/// backup of the database carries the keys its secrets need. Data Protection calls this synchronously, rarely
/// (on start and when its cached ring expires), so the synchronous EF calls are deliberate.
/// </summary>
public sealed class DatabaseKeyRing(IDbContextFactory<PortalDbContext> contexts, PortalMasterKey masterKey) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = contexts.CreateDbContext();
        var entries = db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).ToList()
            .Select(xml => XElement.Parse(xml)).ToList();
        // All or nothing: handed an entry it cannot decrypt, Data Protection would skip it and make a new key, sealed
        // with the wrong master key, and the secrets the skipped key protects would be lost. Failing the whole read
        // leaves the ring untouched (the start-up check then explains which key is needed).
        foreach (var entry in entries)
        {
            KeyRingProtection.EnsureOpens(entry, masterKey);
        }
        return entries;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var db = contexts.CreateDbContext();
        db.DataProtectionKeys.Add(new DataProtectionKeyRecord
        {
            FriendlyName = friendlyName,
            Xml = element.ToString(SaveOptions.DisableFormatting),
        });
        db.SaveChanges();
    }
}
