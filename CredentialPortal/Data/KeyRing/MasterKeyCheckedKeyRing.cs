using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace CredentialPortal.Data.KeyRing;

/// <summary>
/// The key ring store Data Protection uses: its own EF Core store over the portal's database (so every instance over
/// one database shares the ring and a backup carries it), read all or nothing against the master key.
/// </summary>
public sealed class MasterKeyCheckedKeyRing(IXmlRepository database, PortalMasterKey masterKey) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var entries = database.GetAllElements();
        // Handed an entry it cannot decrypt, Data Protection would skip it and make a new key, sealed with the wrong
        // master key, and the secrets the skipped key protects would be lost. Failing the whole read leaves the ring
        // untouched (the start-up check then explains which key is needed).
        foreach (var entry in entries)
        {
            KeyRingProtection.EnsureOpens(entry, masterKey);
        }
        return entries;
    }

    public void StoreElement(XElement element, string friendlyName) => database.StoreElement(element, friendlyName);
}
