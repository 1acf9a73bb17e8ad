using CredentialPortal.Components.Layout;
using CredentialPortal.Domain.Access;

namespace CredentialPortal.Tests.Domain;

/// <summary>docs/design.md §2.3: which role reaches which section.</summary>
public class PortalAccessTests
{
    private static string[] Sections(params string[] roles) => PortalSections.VisibleTo(roles).Select(s => s.Title).ToArray();

    [Fact]
    public void Administrator_reaches_every_section()
    {
        Assert.Equal(PortalSections.All.Select(s => s.Title), Sections(PortalRoles.Administrator));
        Assert.Equal(9, PortalSections.All.Count);
    }

    [Fact]
    public void Helpdesk_reaches_only_the_dashboard_and_users()
    {
        Assert.Equal(["Dashboard", "Users"], Sections(PortalRoles.Helpdesk));
    }

    [Fact]
    public void Auditor_reads_everything_but_settings()
    {
        Assert.Equal(PortalSections.All.Select(s => s.Title).Where(t => t != "Settings"), Sections(PortalRoles.Auditor));
    }

    [Fact]
    public void Integrator_has_no_portal_section_and_may_not_sign_in_to_the_portal()
    {
        Assert.Empty(Sections(PortalRoles.Integrator));
        Assert.False(PortalRoles.MaySignInToPortal([PortalRoles.Integrator]));
        Assert.True(PortalRoles.MaySignInToPortal([PortalRoles.Integrator, PortalRoles.Auditor]));
    }

    [Fact]
    public void Every_permission_has_a_row_naming_only_known_roles()
    {
        Assert.Equal(Enum.GetValues<Permission>().Order(), Permissions.Table.Keys.Order());
        Assert.All(Permissions.Table.Values.SelectMany(r => r.Roles), role => Assert.Contains(role, PortalRoles.All));
    }
}
