using System.Text;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Connectors;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>
/// <c>sftp</c>: log in with <c>password</c> and/or <c>privateKey</c> (+ <c>privateKeyPassphrase</c>), compare the host
/// key with <c>hostKeyFingerprint</c> when set, then stat <c>path</c>.
/// </summary>
public sealed class SftpConnectionCheck : IConnectionCheck
{
    public string TypeName => "sftp";

    public string Describe(CredentialEntity entity)
    {
        var sftp = (SftpStorageTarget)entity;
        return $"sftp://{sftp.Host}:{sftp.Port}";
    }

    public async Task<ConnectionVerdict> CheckAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        var sftp = (SftpStorageTarget)target.Entity;
        var password = target.Secret("password");
        var key = target.Secret("privateKey");
        if (password is null && key is null) return ConnectionVerdict.Misconfigured("Neither a password nor a private key is stored.");

        var methods = new List<AuthenticationMethod>();
        if (key is not null)
        {
            try
            {
                using var stream = new MemoryStream(Encoding.UTF8.GetBytes(key));
                var file = target.Secret("privateKeyPassphrase") is { } passphrase ? new PrivateKeyFile(stream, passphrase) : new PrivateKeyFile(stream);
                methods.Add(new PrivateKeyAuthenticationMethod(sftp.UserName, file));
            }
            catch (Exception e) when (e is SshException or ArgumentException or InvalidOperationException or FormatException)
            {
                return ConnectionVerdict.Misconfigured("The stored private key cannot be read (not an OpenSSH or PEM key, or a wrong passphrase).");
            }
        }
        if (password is not null) methods.Add(new PasswordAuthenticationMethod(sftp.UserName, password));

        if (await NetworkProbe.ConnectAsync(sftp.Host, sftp.Port, target.Timeout, cancellationToken) is { } unreachable) return unreachable;

        var info = new Renci.SshNet.ConnectionInfo(sftp.Host, sftp.Port, sftp.UserName, methods.ToArray()) { Timeout = target.Timeout };
        using var client = new SftpClient(info) { OperationTimeout = target.Timeout };
        string? seen = null;
        client.HostKeyReceived += (_, e) =>
        {
            seen = "SHA256:" + e.FingerPrintSHA256;
            e.CanTrust = sftp.HostKeyFingerprint is not { Length: > 0 } pinned || string.Equals(pinned.TrimEnd('='), seen, StringComparison.Ordinal);
        };
        try
        {
            await client.ConnectAsync(cancellationToken);
        }
        catch (SshAuthenticationException)
        {
            return ConnectionVerdict.Rejected($"The server refused the login as '{sftp.UserName}'.");
        }
        catch (SshConnectionException) when (seen is not null && sftp.HostKeyFingerprint is { Length: > 0 } pinned && !string.Equals(pinned.TrimEnd('='), seen, StringComparison.Ordinal))
        {
            return ConnectionVerdict.Unreachable($"Host key: the server presented {seen}, not the pinned {pinned}.");
        }
        catch (SshOperationTimeoutException)
        {
            return ConnectionVerdict.Unreachable($"SSH: {sftp.Host}:{sftp.Port} did not complete the SSH handshake within {target.Timeout.TotalSeconds:0.#} s.");
        }
        catch (Exception e) when (e is SshException or System.Net.Sockets.SocketException or IOException)
        {
            return ConnectionVerdict.Unreachable($"SSH: the connection to {sftp.Host}:{sftp.Port} failed ({e.GetType().Name}).");
        }

        var path = string.IsNullOrEmpty(sftp.Path) ? "." : sftp.Path;
        try
        {
            var attributes = await client.GetAttributesAsync(path, cancellationToken);
            return attributes.IsDirectory || attributes.IsRegularFile
                ? ConnectionVerdict.Ok($"Logged in as '{sftp.UserName}' and found '{path}'.")
                : ConnectionVerdict.Misconfigured($"Logged in as '{sftp.UserName}', but '{path}' is neither a directory nor a file.");
        }
        catch (SftpPathNotFoundException)
        {
            return ConnectionVerdict.Misconfigured($"Logged in as '{sftp.UserName}', but the path '{path}' does not exist.");
        }
        catch (SftpPermissionDeniedException)
        {
            return ConnectionVerdict.Misconfigured($"Logged in as '{sftp.UserName}', but the path '{path}' may not be read.");
        }
        finally
        {
            client.Disconnect();
        }
    }
}
