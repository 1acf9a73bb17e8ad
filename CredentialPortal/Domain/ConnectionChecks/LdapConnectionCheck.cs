using System.DirectoryServices.Protocols;
using System.Net;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Connectors;

namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>
/// <c>ldap</c>: a simple bind as <c>userName</c> exactly as stored (a DN, <c>user@domain</c> or <c>DOMAIN\user</c>) with
/// <c>ldapPassword</c>, LDAPS from the first byte when <c>useSsl</c>, then a base-scope read of <c>baseDn</c>.
/// </summary>
public sealed class LdapConnectionCheck : IConnectionCheck
{
    private const int InvalidCredentials = 49;
    private const int NoSuchObject = 32;
    private const int InappropriateAuthentication = 48;
    private const int ServerDown = 81;

    public string TypeName => "ldap";

    public string Describe(CredentialEntity entity)
    {
        var ldap = (LdapSyncProfile)entity;
        return $"{(ldap.UseSsl ? "ldaps" : "ldap")}://{ldap.Host}:{ldap.Port}";
    }

    public async Task<ConnectionVerdict> CheckAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var ldap = (LdapSyncProfile)target.Entity;
        if (target.Secret("ldapPassword") is not { } password) return ConnectionVerdict.Misconfigured("No LDAP password is stored.");
        if (await NetworkProbe.ConnectAsync(ldap.Host, ldap.Port, target.Timeout, cancellationToken) is { } unreachable) return unreachable;

        // The bind and search are synchronous in the library and may block past its own timeout: the runner abandons them.
        return await Task.Run(() => Check(ldap, password, target), cancellationToken);
    }

    private ConnectionVerdict Check(LdapSyncProfile ldap, string password, ConnectionTarget target)
    {
        using var connection = new LdapConnection(new LdapDirectoryIdentifier(ldap.Host, ldap.Port, fullyQualifiedDnsHostName: false, connectionless: false))
        {
            AuthType = AuthType.Basic,
            Timeout = target.Timeout,
        };
        connection.SessionOptions.ProtocolVersion = 3;
        connection.SessionOptions.ReferralChasing = ReferralChasingOptions.None;
        if (ldap.UseSsl)
        {
            connection.SessionOptions.SecureSocketLayer = true;
            if (target.Trust.LdapCaBundle is { } directory && OperatingSystem.IsLinux())
            {
                // This connection's own TLS context, built from the CA directory with the extra trusted CAs.
                connection.SessionOptions.TrustedCertificatesDirectory = directory;
                connection.SessionOptions.StartNewTlsSessionContext();
            }
        }
        try
        {
            // No domain part: the user name goes to the server exactly as stored.
            connection.Bind(new NetworkCredential(ldap.UserName, password));
        }
        catch (LdapException e) when (e.ErrorCode is InvalidCredentials or InappropriateAuthentication)
        {
            return ConnectionVerdict.Rejected($"The directory refused the bind as '{ldap.UserName}' (invalid credentials).");
        }
        catch (LdapException e) when (e.ErrorCode == ServerDown)
        {
            return ldap.UseSsl
                ? ConnectionVerdict.Unreachable($"TLS: the LDAPS handshake with {ldap.Host}:{ldap.Port} failed (an untrusted or wrong-name certificate, or not an LDAPS port).")
                : ConnectionVerdict.Unreachable($"LDAP: {ldap.Host}:{ldap.Port} accepted the connection but did not answer as an LDAP server.");
        }
        catch (LdapException e)
        {
            return ConnectionVerdict.Unreachable($"LDAP: the bind failed with result {e.ErrorCode}.");
        }

        if (string.IsNullOrWhiteSpace(ldap.BaseDn))
        {
            return ConnectionVerdict.Ok($"Bound as '{ldap.UserName}' at {Describe(ldap)}; no base DN is set to read.");
        }
        try
        {
            var response = (SearchResponse)connection.SendRequest(
                new SearchRequest(ldap.BaseDn, "(objectClass=*)", SearchScope.Base, "1.1"), target.Timeout);
            return response.Entries.Count == 1
                ? ConnectionVerdict.Ok($"Bound as '{ldap.UserName}' and read the base DN '{ldap.BaseDn}'.")
                : ConnectionVerdict.Misconfigured($"Bound as '{ldap.UserName}', but the base DN '{ldap.BaseDn}' returned no entry.");
        }
        catch (DirectoryOperationException e) when (e.Response?.ResultCode == ResultCode.NoSuchObject)
        {
            return ConnectionVerdict.Misconfigured($"Bound as '{ldap.UserName}', but the base DN '{ldap.BaseDn}' does not exist.");
        }
        catch (LdapException e) when (e.ErrorCode == NoSuchObject)
        {
            return ConnectionVerdict.Misconfigured($"Bound as '{ldap.UserName}', but the base DN '{ldap.BaseDn}' does not exist.");
        }
        catch (DirectoryOperationException e)
        {
            return ConnectionVerdict.Misconfigured($"Bound as '{ldap.UserName}', but reading the base DN '{ldap.BaseDn}' failed ({e.Response?.ResultCode}).");
        }
    }
}
