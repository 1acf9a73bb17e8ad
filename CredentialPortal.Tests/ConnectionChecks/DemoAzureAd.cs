using CredentialPortal.Domain;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Tests.Domain;
using CredentialPortal.Tests.Infrastructure.TestServers;

namespace CredentialPortal.Tests.ConnectionChecks;

/// <summary>The demo data's Azure AD profile, which the domain-level check tests point at a loopback token endpoint.</summary>
internal static class DemoAzureAd
{
    public const string Id = "8E2C4B9A-1F37-4D6E-A5C0-7B9D3E1F2A44";
    public const string ClientId = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

    /// <summary>PATCHes the profile (as the vault) to get its tokens from <paramref name="tokens"/> with <paramref name="secret"/>.</summary>
    public static async Task PointAtAsync(DomainHost host, TokenEndpoint tokens, string secret)
    {
        var result = await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.AdSyncProfiles, Id, DomainHost.Patch(
            $$"""{ "authorityHost": "{{tokens.Address}}", "tenantId": "{{tokens.Tenant}}", "clientSecret": "{{secret}}" }"""));
        Assert.Equal(DomainStatus.Ok, result.Status);
    }
}
