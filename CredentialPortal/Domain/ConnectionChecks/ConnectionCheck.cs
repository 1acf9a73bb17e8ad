using System.Net.Sockets;
using CredentialPortal.Domain.Catalog;

namespace CredentialPortal.Domain.ConnectionChecks;

/// <summary>
/// Checks one connector type's stored credential against the entity's own target. Implementations are registered once
/// per type name; the runner (<see cref="ConnectionChecker"/>) enforces the timeout, stores and audits the result.
/// </summary>
public interface IConnectionCheck
{
    /// <summary>The catalog type this checks, e.g. <c>ldap</c>.</summary>
    string TypeName { get; }

    /// <summary>Where the check goes, for the timeout's detail (e.g. <c>ldaps://dc01:636</c>). Never a secret.</summary>
    string Describe(CredentialEntity entity);

    Task<ConnectionVerdict> CheckAsync(ConnectionTarget target, CancellationToken cancellationToken);
}

/// <summary>What a check gets: the entity, its secrets (decrypted, in memory for this check only), the timeout and the trust.</summary>
public sealed class ConnectionTarget(CredentialEntity entity, IReadOnlyDictionary<string, string> secrets, TimeSpan timeout, TrustedCertificates trust)
{
    public CredentialEntity Entity { get; } = entity;
    public TimeSpan Timeout { get; } = timeout;
    public TrustedCertificates Trust { get; } = trust;

    public string? Secret(string name) => secrets.TryGetValue(name, out var value) ? value : null;
}

/// <summary>The first step most checks share: can a TCP connection be made at all, and if not, why.</summary>
internal static class NetworkProbe
{
    public static async Task<ConnectionVerdict?> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        window.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(host, port, window.Token);
            return null;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
        {
            return ConnectionVerdict.Unreachable($"DNS: the host name '{host}' does not resolve.");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return ConnectionVerdict.Unreachable($"Connect: {host}:{port} refused the connection (nothing listens there).");
        }
        catch (SocketException e)
        {
            return ConnectionVerdict.Unreachable($"Connect: {host}:{port} could not be reached ({e.SocketErrorCode}).");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ConnectionVerdict.Unreachable($"Connect: {host}:{port} did not accept a connection within {timeout.TotalSeconds:0.#} s.");
        }
    }

    public static (string Host, int Port)? Of(string url, int defaultPort)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        return (uri.Host, uri.IsDefaultPort ? defaultPort : uri.Port);
    }
}
