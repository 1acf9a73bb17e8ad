using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace CredentialPortal.Data.KeyRing;

/// <summary>Data Protection's hook for writing keys: seals each new key's secret part with the master key.</summary>
public sealed class MasterKeyXmlEncryptor(PortalMasterKey masterKey) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement) => new(masterKey.Seal(plaintextElement), typeof(MasterKeyXmlDecryptor));
}

/// <summary>
/// Data Protection's hook for reading keys: it names this type in each stored entry and creates it with the
/// application's services (a constructor taking <see cref="IServiceProvider"/>), so it finds the configured key.
/// </summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => services.GetRequiredService<PortalMasterKey>().Open(encryptedElement);
}

/// <summary>How Data Protection marks the parts of a key entry that need encryption, and how it wraps encrypted ones.</summary>
public static class KeyRingXml
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";
    private const string DecryptorType = "decryptorType";

    /// <summary>True when the entry holds key material in the clear (an element still marked "requires encryption").</summary>
    public static bool HoldsPlaintextKey(XElement entry) => entry.DescendantsAndSelf().Any(IsMarkedForEncryption);

    /// <summary>The master-key-sealed parts of an entry.</summary>
    public static IEnumerable<XElement> SealedParts(XElement entry) =>
        entry.Descendants(EncryptedSecret)
            .Where(e => ((string?)e.Attribute(DecryptorType))?.StartsWith(typeof(MasterKeyXmlDecryptor).FullName + ",", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Elements(PortalMasterKey.SealedElementName));

    /// <summary>
    /// A copy of the entry with every plaintext part sealed, wrapped the way Data Protection itself wraps what an
    /// <see cref="IXmlEncryptor"/> returns, so its key manager reads the entry like one it wrote.
    /// </summary>
    public static XElement SealPlaintextParts(XElement entry, IXmlEncryptor encryptor)
    {
        var copy = new XElement(entry);
        while (copy.DescendantsAndSelf().FirstOrDefault(IsMarkedForEncryption) is { } plain)
        {
            var encrypted = encryptor.Encrypt(new XElement(plain));
            plain.ReplaceWith(new XElement(EncryptedSecret,
                new XAttribute(DecryptorType, encrypted.DecryptorType.AssemblyQualifiedName!),
                encrypted.EncryptedElement));
        }
        return copy;
    }

    private static bool IsMarkedForEncryption(XElement element) => (bool?)element.Attribute(RequiresEncryption) == true;
}
