using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CredentialPortal.Domain.ServerConfiguration;

/// <summary>
/// Hybrid encryption of a secret for one server agent: AES-256-GCM with a fresh key, the key wrapped with the agent's
/// RSA public key (OAEP-SHA256). The API answer carries only this envelope, so no plain secret is ever in a response.
/// The same code decrypts on the agent side (compiled into the unify tool).
/// </summary>
public static class AgentEnvelope
{
    public sealed record Sealed(string Key, string Nonce, string Ciphertext, string Tag);

    public static string Seal(string publicKeySpki, string plain)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKeySpki), out _);
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var data = Encoding.UTF8.GetBytes(plain);
        var ciphertext = new byte[data.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, tag.Length)) aes.Encrypt(nonce, data, ciphertext, tag);
        var wrapped = rsa.Encrypt(key, RSAEncryptionPadding.OaepSHA256);
        CryptographicOperations.ZeroMemory(key);
        return JsonSerializer.Serialize(new Sealed(Convert.ToBase64String(wrapped), Convert.ToBase64String(nonce), Convert.ToBase64String(ciphertext), Convert.ToBase64String(tag)));
    }

    public static string Open(RSA privateKey, string envelope)
    {
        var sealedValue = JsonSerializer.Deserialize<Sealed>(envelope) ?? throw new CryptographicException("Empty envelope.");
        var key = privateKey.Decrypt(Convert.FromBase64String(sealedValue.Key), RSAEncryptionPadding.OaepSHA256);
        var ciphertext = Convert.FromBase64String(sealedValue.Ciphertext);
        var plain = new byte[ciphertext.Length];
        using (var aes = new AesGcm(key, 16)) aes.Decrypt(Convert.FromBase64String(sealedValue.Nonce), ciphertext, Convert.FromBase64String(sealedValue.Tag), plain);
        CryptographicOperations.ZeroMemory(key);
        return Encoding.UTF8.GetString(plain);
    }
}
