using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace CredentialPortal.Domain.Secrets;

/// <summary>
/// Encrypts connector secrets with ASP.NET Core Data Protection (key ring in the database, table DataProtectionKeys,
/// sealed with Portal:MasterKey).
/// Each ciphertext is bound to its resource, entity and property, so a value copied into another row does
/// not decrypt there.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector root = provider.CreateProtector("CredentialPortal.ConnectorSecrets.v1");

    public string Protect(string resource, string entityKey, string property, string plain) =>
        For(resource, entityKey, property).Protect(plain);

    /// <summary>Constant-time comparison of a candidate with the stored value.</summary>
    public bool Matches(StoredSecret stored, string candidate)
    {
        var plain = Encoding.UTF8.GetBytes(For(stored.Resource, stored.EntityKey, stored.Property).Unprotect(stored.Ciphertext));
        var given = Encoding.UTF8.GetBytes(candidate);
        try
        {
            return CryptographicOperations.FixedTimeEquals(plain, given);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>
    /// The plain value, for the few places that must hand it on (a server configuration pushed to its agent, encrypted
    /// again for that agent). Never for display, never for an API response.
    /// </summary>
    internal string Unprotect(string resource, string entityKey, string property, string ciphertext) =>
        For(resource, entityKey, property).Unprotect(ciphertext);

    /// <summary>True when the stored value decrypts with the current key ring (used by start-up and backup checks).</summary>
    public bool CanDecrypt(StoredSecret stored)
    {
        try
        {
            For(stored.Resource, stored.EntityKey, stored.Property).Unprotect(stored.Ciphertext);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private IDataProtector For(string resource, string entityKey, string property) =>
        root.CreateProtector(resource, entityKey, property);
}
