using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace CredentialPortal.Data.KeyRing;

/// <summary>
/// The key that encrypts the Data Protection key ring at rest: <c>Portal:MasterKey</c> (env <c>Portal__MasterKey</c>),
/// 32 random bytes in base64, AES-256-GCM. It lives outside the database on purpose: a copy of the database (a backup,
/// a stolen disk) without it decrypts no secret. Required in every environment but Development.
/// </summary>
public sealed class PortalMasterKey
{
    public const string ConfigurationKey = "Portal:MasterKey";
    public const string EnvironmentVariable = "Portal__MasterKey";
    public const int KeyBytes = 32;
    public const string GenerateCommand = "openssl rand -base64 32";

    /// <summary>The element a key ring entry's secret part becomes (inside Data Protection's <c>encryptedSecret</c>).</summary>
    public static readonly XName SealedElementName = "sealedWithMasterKey";
    private const string FingerprintAttribute = "fingerprint";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    // Binds a ciphertext to its purpose: key ring entries, format 1.
    private static readonly byte[] AssociatedData = "CredentialPortal.KeyRing.v1"u8.ToArray();

    private readonly byte[]? key;

    private PortalMasterKey(byte[]? key)
    {
        this.key = key;
        // One-way and keyed: names the key in messages and logs without revealing anything about it.
        Fingerprint = key is null ? null : Convert.ToHexStringLower(HMACSHA256.HashData(key, "CredentialPortal.MasterKey.Fingerprint"u8)[..8]);
    }

    public static PortalMasterKey None { get; } = new(null);

    public bool IsConfigured => key is not null;

    /// <summary>16 hex digits naming the key (HMAC of a fixed label), or null without a key.</summary>
    public string? Fingerprint { get; }

    /// <summary>
    /// Reads the key; refuses, with a message naming the setting and how to make a key, when it is missing outside
    /// Development or is not 32 bytes of base64. The message never repeats the configured value.
    /// </summary>
    public static PortalMasterKey FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[ConfigurationKey]?.Trim();
        if (string.IsNullOrEmpty(configured))
        {
            if (environment.IsDevelopment()) return None;
            throw new PortalRefusedException(
                $"CredentialPortal will not start in the {environment.EnvironmentName} environment without a master key. " +
                $"Set {ConfigurationKey} (environment variable {EnvironmentVariable}) to {KeyBytes} random bytes in base64 — generate them with " +
                $"`{GenerateCommand}` — and keep that value apart from the database and its backups (a secret store or the service's " +
                "environment): it encrypts the Data Protection key ring in the database, which protects every stored secret, session " +
                "and token. Give every instance the same key and supply it again after a restore. Only the Development environment " +
                "may run without one.");
        }
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(configured);
        }
        catch (FormatException)
        {
            throw new PortalRefusedException(
                $"{ConfigurationKey} is not valid base64. It must be {KeyBytes} random bytes in base64, e.g. the output of `{GenerateCommand}`.");
        }
        if (bytes.Length != KeyBytes)
        {
            throw new PortalRefusedException(
                $"{ConfigurationKey} decodes to {bytes.Length} bytes; it must be exactly {KeyBytes} random bytes in base64, e.g. the output of `{GenerateCommand}`.");
        }
        return new PortalMasterKey(bytes);
    }

    /// <summary>Encrypts one element of a key ring entry (the part Data Protection marks as requiring encryption).</summary>
    public XElement Seal(XElement plaintextElement)
    {
        var key = RequireKey();
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), AssociatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
        return new XElement(SealedElementName,
            new XAttribute(FingerprintAttribute, Fingerprint!),
            new XComment($" Encrypted with {ConfigurationKey} (AES-256-GCM). "),
            Convert.ToBase64String(sealedBytes));
    }

    /// <summary>
    /// Decrypts what <see cref="Seal"/> wrote. Throws <see cref="CryptographicException"/> whose message says which
    /// key the entry needs when there is no key, another key, or a damaged entry.
    /// </summary>
    public XElement Open(XElement sealedElement)
    {
        var needed = SealedFingerprint(sealedElement);
        if (key is null)
        {
            throw new CryptographicException(
                $"The Data Protection key ring in the database is encrypted with a master key (fingerprint {needed}), but {ConfigurationKey} is not set.");
        }
        if (needed != Fingerprint)
        {
            throw new CryptographicException(
                $"{ConfigurationKey} (fingerprint {Fingerprint}) is not the master key that encrypted the Data Protection key ring in the database (fingerprint {needed}).");
        }
        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(sealedElement.Value);
        }
        catch (FormatException)
        {
            throw new CryptographicException("A Data Protection key ring entry in the database is damaged (its encrypted part is not base64).");
        }
        if (sealedBytes.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("A Data Protection key ring entry in the database is damaged (its encrypted part is too short).");
        }
        var plain = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(key, TagBytes);
            try
            {
                aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), plain, AssociatedData);
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new CryptographicException(
                    $"A Data Protection key ring entry in the database does not decrypt with {ConfigurationKey} although the fingerprints match: the entry is damaged.");
            }
            using var stream = new MemoryStream(plain, writable: false);
            return XElement.Load(stream);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>The fingerprint recorded in a sealed element: which master key it needs.</summary>
    public static string SealedFingerprint(XElement sealedElement) => (string?)sealedElement.Attribute(FingerprintAttribute) ?? "unknown";

    private byte[] RequireKey() => key ?? throw new InvalidOperationException($"{ConfigurationKey} is not set.");
}
