using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>
/// Which server certificates the checks accept: the system trust store (which honours <c>SSL_CERT_FILE</c>) plus the
/// optional <c>Portal:ConnectionChecks:TrustedCaFile</c>. A certificate that fails is recorded so the check can say
/// "untrusted certificate" rather than a bare connection error.
/// </summary>
public sealed class TrustedCertificates
{
    private readonly X509Certificate2Collection extra = [];

    public TrustedCertificates(ConnectionCheckOptions options)
    {
        if (options.TrustedCaFile is { } file)
        {
            extra.ImportFromPemFile(file);
            LdapCaBundle = WriteLdapBundle(file);
        }
    }

    /// <summary>A directory with the system roots and the extra CAs, for libldap's per-connection CA directory.</summary>
    public string? LdapCaBundle { get; }

    /// <summary>For HttpClient/SslStream: the platform's verdict, or the chain built on the extra CAs (name still checked).</summary>
    public bool Accepts(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null || extra.Count == 0) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(extra);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    /// <summary>An HTTP handler whose TLS trust is this: a refusal is reported through <paramref name="refused"/>.</summary>
    public SocketsHttpHandler CreateHandler(TimeSpan timeout, Action<string> refused) => new()
    {
        ConnectTimeout = timeout,
        UseProxy = false,
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (Accepts(certificate, errors)) return true;
                refused(errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                    ? "the server's TLS certificate does not match its name"
                    : "the server's TLS certificate is not trusted");
                return false;
            },
        },
    };

    private static string? WriteLdapBundle(string file)
    {
        // libldap (GnuTLS on Debian) loads every PEM file of a CA directory: the system bundle and the extra CAs.
        var system = new[] { Environment.GetEnvironmentVariable("SSL_CERT_FILE"), "/etc/ssl/certs/ca-certificates.crt" }
            .FirstOrDefault(f => !string.IsNullOrEmpty(f) && File.Exists(f));
        var directory = Path.Combine(Path.GetTempPath(), $"credentialportal-ldap-ca-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        if (system is not null) File.Copy(system, Path.Combine(directory, "system.pem"));
        File.Copy(file, Path.Combine(directory, "trusted.pem"));
        return directory;
    }
}
