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

public class PortalNavigationWeightTests : PortalComponentTest
{
    [Fact]
    public void The_navigation_is_one_component_that_marks_the_current_section()
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "someone"), new Claim(ClaimTypes.Role, PortalRoles.Administrator)], "test");
        var state = Task.FromResult(new AuthenticationState(new ClaimsPrincipal(identity)));
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo("/users/7?tab=roles");
        var nav = Render<PortalNavigation>(p => p.AddCascadingValue(state));

        // The entries are markup: no MudNavLink, NavLink or MudIcon per entry (three components each), only the menu.
        Assert.Equal(PortalSections.All.Count, nav.FindAll("a").Count);
        Assert.Empty(nav.FindComponents<MudBlazor.MudNavLink>());
        Assert.Empty(nav.FindComponents<Microsoft.AspNetCore.Components.Routing.NavLink>());
        var components = nav.FindComponents<Microsoft.AspNetCore.Components.IComponent>().Count;
        Assert.True(components <= 3, $"{components} components in the navigation");

        // As NavLink marks it: the section of the address (and the paths below it), the dashboard only on "/".
        Assert.Equal(["/users"], nav.FindAll("a[aria-current=page]").Select(a => a.GetAttribute("href") ?? "").ToArray());
        Assert.Contains("active", nav.Find("a[href='/users']").ClassList);
        navigation.NavigateTo("/");
        nav.WaitForAssertion(() => Assert.Equal(["/"], nav.FindAll("a.active").Select(a => a.GetAttribute("href") ?? "").ToArray()));
        navigation.NavigateTo("/users-elsewhere");
        nav.WaitForAssertion(() => Assert.Empty(nav.FindAll("a.active")));
    }
}
