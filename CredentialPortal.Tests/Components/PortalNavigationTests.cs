using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using CredentialPortal.Components.Layout;
using CredentialPortal.Domain.Access;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Components;

public class PortalNavigationTests : PortalComponentTest
{
    private string[] RenderedLinks(params string[] roles)
    {
        // The navigation reads the cascaded authentication state, exactly what the Router provides.
        // (bunit's AddAuthorization() needs a WebAssembly package the mirror lacks.)
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "someone"), .. roles.Select(r => new Claim(ClaimTypes.Role, r))], "test");
        var state = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
        var nav = Render<PortalNavigation>(p => p.AddCascadingValue(state));
        return nav.FindAll("a").Select(a => a.GetAttribute("href") ?? "").ToArray();
    }

    [Fact]
    public void Helpdesk_sees_links_to_dashboard_and_users_only()
    {
        Assert.Equal(["/", "/users"], RenderedLinks(PortalRoles.Helpdesk));
    }

    [Fact]
    public void Auditor_sees_every_section_but_settings()
    {
        var links = RenderedLinks(PortalRoles.Auditor);
        Assert.Equal(8, links.Length);
        Assert.DoesNotContain("/settings", links);
        Assert.Contains("/audit", links);
    }

    [Fact]
    public void Administrator_sees_settings()
    {
        Assert.Contains("/settings", RenderedLinks(PortalRoles.Administrator));
    }
}
