using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Data.KeyRing;

/// <summary>
/// The Data Protection key ring kept in the portal's database, so every instance over one database shares it and a
/// backup of the database carries the keys its secrets need. Data Protection calls this synchronously, rarely
/// (on start and when its cached ring expires), so the synchronous EF calls are deliberate.
/// </summary>
public sealed class DatabaseKeyRing(IDbContextFactory<PortalDbContext> contexts) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = contexts.CreateDbContext();
        return db.DataProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).ToList()
            .Select(xml => XElement.Parse(xml)).ToList();
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
