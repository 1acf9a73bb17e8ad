namespace CredentialPortal.Tests.Infrastructure.TestServers;

/// <summary>
/// Samba's smbd (Debian samba) in the foreground on a loopback port, with its own smb.conf and every directory it
/// writes (private, lock, state, cache, pid, its tdbsam passdb) in its temporary directory: a standalone server with one
/// share, <c>[recordings]</c>, no printers and no NetBIOS. Its one Samba user maps to the unix account
/// <see cref="User"/>, which every Debian system has (no account is created); the system's samba service and
/// /etc/samba are not touched.
/// </summary>
public sealed class SmbdServer : TestServerProcess
{
    /// <summary>An existing unix account (base-passwd's uid 1): Samba's users must map to one.</summary>
    public const string User = "daemon";
    public const string Password = "smb-password-Z4k!q";
    public const string Workgroup = "CPTEST";
    public const string Share = "recordings";

    public SmbdServer() : base("smbd")
    {
        var smbd = Require("/usr/sbin/smbd", "samba");
        var smbpasswd = Require("/usr/bin/smbpasswd", "samba");
        if (!File.ReadAllLines("/etc/passwd").Any(l => l.StartsWith(User + ":", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"The unix account '{User}' is missing: the Samba test user maps to it.");
        }
        Port = FreePort();
        var share = Path.Combine(Directory, "share");
        foreach (var dir in new[] { "private", "lock", "state", "cache", "pid", "ncalrpc" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, dir));
        }
        System.IO.Directory.CreateDirectory(share);
        File.WriteAllText(Path.Combine(share, "recording-0001.wav"), "not really audio");
        // The test user (not root) lists the share: it must be able to reach and read it, whatever the umask.
        Run("/bin/chmod", ["755", Directory, share]);

        Config = Path.Combine(Directory, "smb.conf");
        File.WriteAllText(Config, $"""
            [global]
                server role = standalone server
                workgroup = {Workgroup}
                smb ports = {Port}
                interfaces = 127.0.0.1
                bind interfaces only = yes
                disable netbios = yes
                private dir = {Path.Combine(Directory, "private")}
                lock directory = {Path.Combine(Directory, "lock")}
                state directory = {Path.Combine(Directory, "state")}
                cache directory = {Path.Combine(Directory, "cache")}
                pid directory = {Path.Combine(Directory, "pid")}
                ncalrpc dir = {Path.Combine(Directory, "ncalrpc")}
                passdb backend = tdbsam:{Path.Combine(Directory, "private", "passdb.tdb")}
                map to guest = never
                load printers = no
                printcap name = /dev/null
                disable spoolss = yes
                usershare max shares = 0
                log level = 2

            [{Share}]
                path = {share}
                read only = yes
                browseable = yes

            """);
        Run(smbpasswd, ["-c", Config, "-a", "-s", User], input: $"{Password}\n{Password}\n");
        // Its log (level 2 names each authentication) goes to its output, which Start keeps in console.log.
        Start(smbd, ["--foreground", "--no-process-group", "--debug-stdout", "-s", Config], [Port]);
    }

    public int Port { get; }
    public string Config { get; }
    /// <summary>The share as the <c>sharePath</c> of an smb storage target names it.</summary>
    public static string SharePath => $@"\\127.0.0.1\{Share}";
}
