using System.Text.RegularExpressions;

namespace CredentialPortal.Tests.Infrastructure.TestServers;

/// <summary>
/// OpenSSH's sshd (Debian openssh-server) on a loopback port with its own config and host key, an SFTP-only test user
/// chrooted to a directory holding <c>recordings/</c>, password and key login, LogLevel VERBOSE into its own log
/// (which is how tests count authentication attempts).
/// </summary>
public sealed partial class SshdServer : TestServerProcess
{
    public const string User = "cpcheck";
    public const string Password = "sftp-password-Q7v!x";

    public SshdServer() : base("sshd")
    {
        var sshd = Require("/usr/sbin/sshd", "openssh-server");
        var keygen = Require("/usr/bin/ssh-keygen", "openssh-client");
        Port = FreePort();
        HostKey = Path.Combine(Directory, "host_ed25519");
        Run(keygen, ["-q", "-t", "ed25519", "-N", "", "-f", HostKey]);
        HostKeyFingerprint = Run(keygen, ["-l", "-E", "sha256", "-f", HostKey + ".pub"]).Split(' ')[1];
        OtherFingerprint = "SHA256:" + Convert.ToBase64String(new byte[32]).TrimEnd('=');

        // The client's key pair: a passphrase-protected OpenSSH key, authorised for the test user.
        var clientKey = Path.Combine(Directory, "client_ed25519");
        Run(keygen, ["-q", "-t", "ed25519", "-N", KeyPassphrase, "-f", clientKey]);
        PrivateKey = File.ReadAllText(clientKey);
        var keys = Path.Combine(Directory, "authorized_keys");
        File.WriteAllText(keys, File.ReadAllText(clientKey + ".pub"));

        // A system account is what sshd authenticates; it exists only for these tests and has no shell.
        if (!File.ReadAllLines("/etc/passwd").Any(l => l.StartsWith(User + ":", StringComparison.Ordinal)))
        {
            Run(Require("/usr/sbin/useradd", "passwd"), ["--no-create-home", "--shell", "/usr/sbin/nologin", User]);
        }
        Run(Require("/usr/sbin/chpasswd", "passwd"), [], input: $"{User}:{Password}\n");

        // Every component of a chroot must be root-owned and writable by nobody else, which /tmp is not: /run is.
        Chroot = Path.Combine("/run", "credentialportal-sftp-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Path.Combine(Chroot, "recordings"));
        System.IO.Directory.CreateDirectory("/run/sshd");
        Run("/bin/chmod", ["755", Chroot]);

        var config = Path.Combine(Directory, "sshd_config");
        File.WriteAllText(config, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {HostKey}
            PidFile {Path.Combine(Directory, "sshd.pid")}
            AuthorizedKeysFile {keys}
            StrictModes no
            UsePAM no
            PasswordAuthentication yes
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            PermitRootLogin no
            AllowUsers {User}
            MaxAuthTries 10
            LogLevel VERBOSE
            Subsystem sftp internal-sftp
            Match User {User}
                ChrootDirectory {Chroot}
                ForceCommand internal-sftp
                AllowTcpForwarding no
            """);
        Start(sshd, ["-D", "-f", config, "-E", LogPath], [Port]);
    }

    public const string KeyPassphrase = "key-passphrase-8Hq";
    public int Port { get; }
    public string HostKey { get; }
    /// <summary>As <c>ssh-keygen -lf</c> prints it: <c>SHA256:…</c>.</summary>
    public string HostKeyFingerprint { get; }
    /// <summary>A well-formed fingerprint of no key this server has.</summary>
    public string OtherFingerprint { get; }
    public string PrivateKey { get; }
    public string Chroot { get; }

    public override void Dispose()
    {
        base.Dispose();
        try { System.IO.Directory.Delete(Chroot, recursive: true); } catch (IOException) { }
    }

    /// <summary>Password and public-key attempts for the test user the server logged, accepted or failed.</summary>
    public int AuthenticationAttempts()
    {
        if (!File.Exists(LogPath)) return 0;
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var text = new StreamReader(stream).ReadToEnd();
        return AttemptLine().Count(text);
    }

    [GeneratedRegex(@"(Accepted|Failed) (password|publickey) for (invalid user )?\S+ from 127\.0\.0\.1")]
    private static partial Regex AttemptLine();
}
