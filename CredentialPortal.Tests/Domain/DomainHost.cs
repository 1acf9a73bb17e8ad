using System.Text.Json.Nodes;
using CredentialPortal.Data;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Users;
using CredentialPortal.Domain.Verification;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Domain;

/// <summary>The real app over a temporary SQLite file with the demo data, for driving the domain services directly.</summary>
public sealed class DomainHost : IDisposable
{
    public DomainHost(TestDataDirectory? data = null, IDictionary<string, string?>? settings = null, ManualClock? clock = null)
    {
        Clock = clock;
        App = new PortalAppFactory(data, settings, services =>
        {
            if (clock is not null) services.AddSingleton<TimeProvider>(clock);
        });
        _ = App.Services; // start: migrations and demo data
    }

    public PortalAppFactory App { get; }
    public ManualClock? Clock { get; }
    public IServiceProvider Services => App.Services;
    public ConnectorCredentials Connectors => Services.GetRequiredService<ConnectorCredentials>();
    public PeopleCredentials People => Services.GetRequiredService<PeopleCredentials>();
    public VerificationLockout Lockout => Services.GetRequiredService<VerificationLockout>();
    public AuditTrail Audit => Services.GetRequiredService<AuditTrail>();

    public static Actor Vault { get; } = new(4242, "vault", Door.API, "10.1.2.3", "corr-1") { Roles = [CredentialPortal.Domain.Access.PortalRoles.Integrator] };

    /// <summary>The seeded administrator (user 1) at the portal.</summary>
    public static Actor Admin { get; } = new(1, "admin", Door.UI, "127.0.0.1") { Roles = [CredentialPortal.Domain.Access.PortalRoles.Administrator] };

    public PortalDbContext CreateDbContext() => Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public static Dictionary<string, JsonNode?> Patch(string json) =>
        JsonNode.Parse(json)!.AsObject().ToDictionary(p => p.Key, p => p.Value?.DeepClone());

    public void Dispose() => App.Dispose();
}

/// <summary>One <see cref="DomainHost"/> shared by the tests of a class (an xunit class fixture).</summary>
public sealed class DomainFixture : IDisposable
{
    public DomainHost Domain { get; } = new();
    public void Dispose() => Domain.Dispose();
}
