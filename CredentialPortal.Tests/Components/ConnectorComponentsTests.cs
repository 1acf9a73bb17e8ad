using System.Security.Claims;
using Bunit;
using CredentialPortal.Components.ConnectionChecks;
using CredentialPortal.Components.Connectors;
using CredentialPortal.Components.Shared;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.ConnectionChecks;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Tests.Domain;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Components;

/// <summary>The connector components against the real domain (a SQLite file with the demo data), as a signed-in role.</summary>
public abstract class ConnectorComponentTest : PortalComponentTest
{
    private sealed class SignedIn(params string[] roles) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(new ClaimsPrincipal(
            new ClaimsIdentity([new Claim(ClaimTypes.Name, "someone"), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test"))));
    }

    protected ConnectorComponentTest(DomainHost host, params string[] roles)
    {
        Host = host;
        Services.AddSingleton(host.Services.GetRequiredService<ConnectorCredentials>());
        Services.AddSingleton(host.Services.GetRequiredService<ConnectionChecker>());
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<AuthenticationStateProvider>(new SignedIn(roles));
        Services.AddSingleton<IHttpContextAccessor>(new HttpContextAccessor());
        Services.AddScoped<PortalActor>();
    }

    protected DomainHost Host { get; }

    protected async Task CheckedAsync(string resource, string key, ConnectionResult result)
    {
        var at = DateTime.UtcNow.AddHours(-2);
        await using var db = Host.CreateDbContext();
        db.ConnectionCheckStates.Add(new ConnectionCheckState
        {
            Resource = resource, EntityKey = key, Result = result.Wire(), Detail = "As planted.", CheckedAt = at, Trigger = ConnectionChecker.Scheduled,
            NextDueAt = at.AddHours(6),
        });
        await db.SaveChangesAsync();
    }
}

public sealed class ConnectorListTests : ConnectorComponentTest
{
    public ConnectorListTests() : base(new DomainHost(), PortalRoles.Administrator) { }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Host.Dispose();
    }

    private static string[] Ids(IRenderedComponent<ConnectorList> list) => list.FindAll("[data-testid=entity-link]").Select(a => a.TextContent).ToArray();

    private IRenderedComponent<ConnectorList> RenderAt(string address)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(address);
        return Render<ConnectorList>(p => p.Add(x => x.Resource, EntityCatalog.StorageTargets));
    }

    [Fact]
    public async Task Prerendered_it_shows_the_first_page_with_each_rows_last_check_and_a_link_to_the_row()
    {
        await CheckedAsync("storageTargets", "11", ConnectionResult.Rejected);
        await CheckedAsync("storageTargets", "12", ConnectionResult.Ok);
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var list = RenderAt("/storage-targets");

        Assert.Equal(["11", "12", "13", "14"], Ids(list));
        Assert.Equal("/storage-targets/11", list.Find("[data-testid=entity-link]").GetAttribute("href"));
        Assert.Equal("4 storage targets", list.Find("[data-testid=list-count]").TextContent);
        var checks = list.FindAll("[data-testid=entity-last-check]").Select(c => c.TextContent).ToArray();
        Assert.Equal("rejected · 2 h ago", checks[0]);
        Assert.Equal("ok · 2 h ago", checks[1]);
        Assert.Equal("never checked", checks[2]);
    }

    [Fact]
    public async Task The_last_check_filter_from_the_address_asks_the_domains_list_query_once_interactive()
    {
        await CheckedAsync("storageTargets", "11", ConnectionResult.Rejected);
        await CheckedAsync("storageTargets", "13", ConnectionResult.Misconfigured);
        await CheckedAsync("storageTargets", "12", ConnectionResult.Ok);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));

        var failing = RenderAt("/storage-targets?check=failing");
        failing.WaitForAssertion(() => Assert.Equal(["11", "13"], Ids(failing)));
        Assert.Equal("2 storage targets", failing.Find("[data-testid=list-count]").TextContent);

        var never = RenderAt("/storage-targets?check=never");
        never.WaitForAssertion(() => Assert.Equal(["14"], Ids(never)));

        var none = RenderAt("/storage-targets?check=unsupported");
        none.WaitForAssertion(() => Assert.Contains("Nothing matches these filters", none.Find("[data-testid=entity-grid-empty]").TextContent));
    }
}

public sealed class ConnectionTestPanelTests : IClassFixture<DomainFixture>
{
    private readonly DomainHost host;

    public ConnectionTestPanelTests(DomainFixture fixture) => host = fixture.Domain;

    private sealed class As(DomainHost host, string role) : ConnectorComponentTest(host, role);

    [Fact]
    public async Task Test_connection_runs_the_check_says_its_result_and_the_next_view_shows_it_as_the_last_check()
    {
        await using var admin = new As(host, PortalRoles.Administrator);
        // RingCentral's real address does not resolve from here: a genuine "unreachable".
        var panel = admin.Render<ConnectionTestPanel>(p => p.Add(x => x.Resource, EntityCatalog.ImportSources).Add(x => x.EntityId, "2").Add(x => x.CanTest, true));
        Assert.Contains("Not checked yet", panel.Find("[data-testid=connection-last]").TextContent);

        panel.Find("[data-testid=test-connection]").Click();

        panel.WaitForAssertion(() => Assert.Equal("Tested: unreachable.", panel.Find("[data-testid=connection-status]").TextContent), TimeSpan.FromSeconds(20));
        Assert.Equal("unreachable", panel.Find("[data-testid=connection-result]").TextContent);
        Assert.Contains(" ms", panel.Find("[data-testid=connection-last]").TextContent);
        var again = admin.Render<ConnectionTestPanel>(p => p.Add(x => x.Resource, EntityCatalog.ImportSources).Add(x => x.EntityId, "2"));
        Assert.Equal("unreachable", again.Find("[data-testid=connection-result]").TextContent);
        Assert.Contains("last checked", again.Find("[data-testid=connection-last]").TextContent);
        Assert.Empty(again.FindAll("[data-testid=test-connection]")); // CanTest false: no button
    }

    [Fact]
    public async Task The_domain_decides_who_may_test_a_role_without_the_permission_is_told_so_and_nothing_runs()
    {
        await using var auditor = new As(host, PortalRoles.Auditor);
        var panel = auditor.Render<ConnectionTestPanel>(p => p.Add(x => x.Resource, EntityCatalog.ImportSources).Add(x => x.EntityId, "3").Add(x => x.CanTest, true));

        panel.Find("[data-testid=test-connection]").Click();

        panel.WaitForAssertion(() => Assert.NotEmpty(panel.Find("[data-testid=connection-status]").TextContent));
        Assert.DoesNotContain("Tested", panel.Find("[data-testid=connection-status]").TextContent);
        Assert.Empty(panel.FindAll("[data-testid=connection-result]"));
        Assert.Null(await host.Services.GetRequiredService<ConnectionChecker>().LastCheckAsync(EntityCatalog.ImportSources, "3"));
    }
}

/// <summary>The dashboard's connections panel over many failing connections: it lists a bounded number and links to the filtered lists.</summary>
public sealed class ConnectionHealthPanelTests : ConnectorComponentTest
{
    public ConnectionHealthPanelTests() : base(new DomainHost(), PortalRoles.Administrator) { }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Host.Dispose();
    }

    [Fact]
    public async Task Many_failing_connections_show_the_first_few_and_link_to_the_filtered_lists()
    {
        var many = ConnectionHealthPanel.MaxShown + 15;
        for (var i = 0; i < many; i++) await CheckedAsync("storageTargets", $"9{i:D3}", ConnectionResult.Unreachable);
        await CheckedAsync("importSources", "9001", ConnectionResult.Rejected);

        var panel = Render<ConnectionHealthPanel>();
        panel.WaitForAssertion(() => Assert.Equal(ConnectionHealthPanel.MaxShown, panel.FindAll("[data-testid=failing-connection]").Count));
        // No component per row: the rows' links are anchors.
        Assert.Empty(panel.FindComponents<MudBlazor.MudLink>());
        var more = panel.Find("[data-testid=failing-connections-more]");
        Assert.Contains($"of {many + 1} failing connections", more.TextContent, StringComparison.Ordinal);
        var links = panel.FindAll("[data-testid=connection-list-link]").Select(a => a.GetAttribute("href")).ToArray();
        Assert.Contains("/storage-targets?check=failing", links);
        Assert.Contains("/import-sources?check=failing", links);
    }
}
