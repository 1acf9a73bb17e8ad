namespace CredentialPortal.Tests.Infrastructure.TestServers;

/// <summary>
/// OpenLDAP's slapd (Debian slapd) with its own config, an MDB database under <c>dc=example,dc=test</c>, a bind account
/// and an LDAPS port whose certificate a throwaway CA (made here with openssl) signed for 127.0.0.1.
/// </summary>
public sealed class SlapdServer : TestServerProcess
{
    public const string Suffix = "dc=example,dc=test";
    public const string BaseDn = "ou=people," + Suffix;
    public const string BindDn = "cn=svc-sync," + BaseDn;
    public const string BindPassword = "ldap-bind-password-3Kd";

    private readonly string slapd;
    private readonly string config;

    public SlapdServer() : base("slapd")
    {
        slapd = Require("/usr/sbin/slapd", "slapd");
        var slapadd = Require("/usr/sbin/slapadd", "slapd");
        var openssl = Require("/usr/bin/openssl", "openssl");
        LdapPort = FreePort();
        LdapsPort = FreePort();

        CaFile = Path.Combine(Directory, "ca.pem");
        var caKey = Path.Combine(Directory, "ca.key");
        var key = Path.Combine(Directory, "server.key");
        var csr = Path.Combine(Directory, "server.csr");
        var cert = Path.Combine(Directory, "server.pem");
        var ext = Path.Combine(Directory, "server.ext");
        Run(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", CaFile, "-days", "2", "-subj", "/CN=CredentialPortal test CA"]);
        Run(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"]);
        File.WriteAllText(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
        Run(openssl, ["x509", "-req", "-in", csr, "-CA", CaFile, "-CAkey", caKey, "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext]);
        Run("/bin/chmod", ["644", key]);

        var db = Path.Combine(Directory, "db");
        System.IO.Directory.CreateDirectory(db);
        config = Path.Combine(Directory, "slapd.conf");
        File.WriteAllText(config, $"""
            include /etc/ldap/schema/core.schema
            pidfile {Path.Combine(Directory, "slapd.pid")}
            modulepath /usr/lib/ldap
            moduleload back_mdb
            TLSCACertificateFile {CaFile}
            TLSCertificateFile {cert}
            TLSCertificateKeyFile {key}
            database mdb
            maxsize 10485760
            suffix "{Suffix}"
            rootdn "cn=admin,{Suffix}"
            directory {db}
            access to attrs=userPassword by anonymous auth by * none
            access to * by users read by * none

            """);
        var ldif = Path.Combine(Directory, "data.ldif");
        File.WriteAllText(ldif, $"""
            dn: {Suffix}
            objectClass: dcObject
            objectClass: organization
            dc: example
            o: Example

            dn: {BaseDn}
            objectClass: organizationalUnit
            ou: people

            dn: {BindDn}
            objectClass: person
            cn: svc-sync
            sn: sync
            userPassword: {BindPassword}

            """);
        Run(slapadd, ["-f", config, "-l", ldif]);
        StartServer();
    }

    public int LdapPort { get; }
    public int LdapsPort { get; }
    /// <summary>The throwaway CA that signed the LDAPS certificate (PEM).</summary>
    public string CaFile { get; }

    public void StartServer() =>
        Start(slapd, ["-d", "256", "-f", config, "-h", $"ldap://127.0.0.1:{LdapPort}/ ldaps://127.0.0.1:{LdapsPort}/"], [LdapPort, LdapsPort]);
}
