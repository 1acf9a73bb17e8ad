using CredentialPortal.Tests.Infrastructure;
using CredentialPortal.Tests.Infrastructure.TestServers;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.ConnectionChecks;

/// <summary>
/// What a connection-check test stands on: one real server on loopback, a listener that accepts and never answers (for
/// timeouts), and a portal whose settings may point at the server. All three go when the test (or the fixture) does.
/// </summary>
public abstract class PortalWithServer<TServer> : IDisposable where TServer : IDisposable, new()
{
    protected PortalWithServer(Func<TServer, IDictionary<string, string?>>? overrides = null, Action<IServiceCollection>? services = null)
    {
        Factory = new PortalAppFactory(overrides: overrides?.Invoke(Server), services: services);
    }

    public TServer Server { get; } = new();
    public SilentListener Silent { get; } = new();
    public PortalAppFactory Factory { get; }

    public void Dispose()
    {
        Factory.Dispose();
        Silent.Dispose();
        Server.Dispose();
        GC.SuppressFinalize(this);
    }
}
