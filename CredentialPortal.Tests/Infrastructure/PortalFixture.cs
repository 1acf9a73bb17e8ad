namespace CredentialPortal.Tests.Infrastructure;

/// <summary>One portal over the demo data shared by the tests of a class (<c>IClassFixture&lt;PortalFixture&gt;</c>).</summary>
public sealed class PortalFixture : IDisposable
{
    public PortalAppFactory Factory { get; } = new();
    public void Dispose() => Factory.Dispose();
}
