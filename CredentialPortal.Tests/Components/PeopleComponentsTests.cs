using Bunit;
using CredentialPortal.Components.MachineUsers;
using CredentialPortal.Components.Users;
using CredentialPortal.Data;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Access;
using CredentialPortal.Domain.Organisations;
using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace CredentialPortal.Tests.Components;

public class RolesDialogTests : PortalComponentTest
{
    private readonly List<IReadOnlyCollection<string>> saved = [];

    private IRenderedComponent<MudDialogProvider> Open(List<string> held, string? refusal = null) =>
        OpenDialog<RolesDialog>(new Dictionary<string, object?>
        {
            [nameof(RolesDialog.Selected)] = held,
            [nameof(RolesDialog.Save)] = (Func<IReadOnlyCollection<string>, Task<string?>>)(roles => { saved.Add(roles); return Task.FromResult(refusal); }),
        });

    [Fact]
    public void Each_role_is_a_labelled_checkbox_ticked_as_held_and_saving_sends_the_choice_then_closes()
    {
        var held = new List<string> { PortalRoles.Helpdesk };
        var dialog = Open(held);
        foreach (var role in PortalRoles.All)
        {
            var box = dialog.Find($"input[data-testid=role-{role}]");
            Assert.Equal("checkbox", box.GetAttribute("type"));
            Assert.Equal(role == PortalRoles.Helpdesk, box.HasAttribute("checked"));
            Assert.Contains(role, dialog.Find($"label:has(input[data-testid=role-{role}])").TextContent);
        }
        dialog.Find($"input[data-testid=role-{PortalRoles.Auditor}]").Change(true);
        dialog.Find($"input[data-testid=role-{PortalRoles.Helpdesk}]").Change(false);
        dialog.Find("[data-testid=roles-save]").Click();

        Assert.Equal([PortalRoles.Auditor], Assert.Single(saved));
        Assert.Equal([PortalRoles.Helpdesk], held); // the page's list is not changed behind its back
        Assert.Empty(dialog.FindAll("[data-testid=roles-dialog]"));
    }

    [Fact]
    public void A_refusal_stays_in_the_dialog_and_cancel_saves_nothing()
    {
        var dialog = Open([PortalRoles.Administrator], refusal: "At least one enabled administrator must remain.");
        dialog.Find($"input[data-testid=role-{PortalRoles.Administrator}]").Change(false);
        dialog.Find("[data-testid=roles-save]").Click();
        Assert.Contains("must remain", dialog.Find("[data-testid=roles-error]").TextContent);
        Assert.NotEmpty(dialog.FindAll("[data-testid=roles-dialog]"));

        dialog.Find("[data-testid=roles-cancel]").Click();
        Assert.Single(saved);
        Assert.Empty(dialog.FindAll("[data-testid=roles-dialog]"));
    }
}

public class AddMachineUserDialogTests : PortalComponentTest
{
    private const string Generated = "Generated-Machine-Password-0042x";
    private readonly List<(string? Name, int? Account, string? Password, string Role)> calls = [];

    private IRenderedComponent<MudDialogProvider> Open(Func<DomainResult<MachineUserCreated>> answer) =>
        OpenDialog<AddMachineUserDialog>(new Dictionary<string, object?>
        {
            [nameof(AddMachineUserDialog.Add)] = (Func<string?, int?, string?, string, Task<DomainResult<MachineUserCreated>>>)((name, account, password, role) =>
            {
                calls.Add((name, account, password, role));
                return Task.FromResult(answer());
            }),
        });

    private static MachineUserCreated Created(string? password) =>
        new(new OrgUserRow(1042, "portal-made", "", DateTime.UtcNow, "active", "Contributor"), password);

    [Fact]
    public void A_generated_password_is_masked_shown_on_request_and_the_dialog_closes_only_once_stored()
    {
        var dialog = Open(() => DomainResult<MachineUserCreated>.Ok(Created(Generated)));
        dialog.Find("input[data-testid=machine-name]").Change("portal-made");
        dialog.Find("form").Submit();
        Assert.Equal(("portal-made", (int?)null, (string?)null, "Contributor"), Assert.Single(calls));

        Assert.Contains("cannot be shown again", dialog.Markup);
        Assert.DoesNotContain(Generated, dialog.Find("[data-testid=one-time-secret-value]").TextContent);
        Assert.True(dialog.Find("[data-testid=machine-close]").HasAttribute("disabled"));
        dialog.Find("[data-testid=reveal-secret]").Click();
        Assert.Equal(Generated, dialog.Find("[data-testid=one-time-secret-value]").TextContent);

        dialog.Find("[data-testid=secret-stored]").Change(true);
        Assert.False(dialog.Find("[data-testid=machine-close]").HasAttribute("disabled"));
        dialog.Find("[data-testid=machine-close]").Click();
        Assert.Empty(dialog.FindAll("[data-testid=machine-dialog]"));
        Assert.DoesNotContain(Generated, dialog.Markup);
    }

    [Fact]
    public void A_typed_password_shows_nothing_to_keep_and_closes_at_once()
    {
        var dialog = Open(() => DomainResult<MachineUserCreated>.Ok(Created(null)));
        dialog.Find("input[data-testid=machine-password]").Change("a typed machine password 2026");
        dialog.Find("form").Submit();
        Assert.Equal("a typed machine password 2026", Assert.Single(calls).Password);
        Assert.Empty(dialog.FindAll("[data-testid=one-time-secret]"));
        dialog.Find("[data-testid=machine-close]").Click();
        Assert.Empty(dialog.FindAll("[data-testid=machine-dialog]"));
    }

    [Fact]
    public void A_refusal_shows_its_message_by_the_field_and_keeps_the_form()
    {
        var dialog = Open(() => DomainResult<MachineUserCreated>.Invalid(new DomainErrors().Add("name", "'Name' must not contain control characters.")));
        dialog.Find("input[data-testid=machine-name]").Change("bad\u0001name");
        dialog.Find("form").Submit();
        dialog.WaitForAssertion(() => Assert.Contains("must not contain control characters", dialog.Find("[data-testid=machine-form]").TextContent));
        Assert.Empty(dialog.FindAll("[data-testid=machine-created]"));
    }
}

/// <summary>The users grid over the real domain and a real SQLite file: first rows when prerendered, then paging, sorting and filters through the domain.</summary>
public class UsersGridTests : PortalComponentTest, IClassFixture<UsersGridTests.Portal>
{
    public sealed class Portal : PortalAppFactory
    {
        public const int Extra = 40;

        public Portal()
        {
            // Enough people for two pages of 25, all sharing a search term.
            var contexts = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
            using var db = contexts.CreateDbContext();
            for (var i = 0; i < Extra; i++)
            {
                var name = $"grid.person.{i:D2}";
                db.Users.Add(new PortalUser
                {
                    UserName = name,
                    NormalizedUserName = name.ToUpperInvariant(),
                    DisplayName = $"Grid Person {i:D2}",
                    SecurityStamp = Guid.NewGuid().ToString("N"),
                    CreatedAt = DateTime.UtcNow,
                    Enabled = true,
                    Source = i % 4 == 0 ? UserSource.ActiveDirectory : UserSource.Local,
                });
            }
            db.SaveChanges();
        }
    }

    public UsersGridTests(Portal portal)
    {
        Services.AddSingleton(portal.Services.GetRequiredService<PeopleCredentials>());
        Services.AddSingleton(TimeProvider.System);
    }

    private IReadOnlyList<string> Logins(IRenderedComponent<UsersPage> page) =>
        page.FindAll("[data-testid=user-link]").Select(a => a.TextContent).ToList();

    [Fact]
    public void Prerendered_the_grid_shows_its_first_page_at_once()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var page = Render<UsersPage>();
        var logins = Logins(page);
        Assert.Equal(25, logins.Count);
        Assert.Equal("admin", logins[0]);
        Assert.Equal($"/users/{page.FindAll("[data-testid=user-link]")[0].GetAttribute("href")![7..]}", page.FindAll("[data-testid=user-link]")[0].GetAttribute("href"));
        Assert.Contains("users", page.Find("[data-testid=user-count]").TextContent);
        Assert.DoesNotContain("0 users", page.Find("[data-testid=user-count]").TextContent);
    }

    /// <summary>
    /// What an idle tab on the users list keeps on the server (README, Benchmarks): every component holds the render
    /// trees of its last two renders for as long as the tab stays open. A row is one grid row, not a component per link;
    /// the columns have no options menus.
    /// </summary>
    [Fact]
    public void An_idle_interactive_users_page_keeps_few_components()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Logins(page).Count));
        Assert.NotEqual("", page.Find("[data-testid=user-count]").TextContent);
        Assert.Empty(page.FindComponents<MudLink>());
        Assert.Empty(page.FindComponents<MudMenu>());
        var components = page.FindComponents<IComponent>().Count;
        Assert.True(components <= MaxComponentsOnIdleUsersPage, $"{components} components on the idle users page (at most {MaxComponentsOnIdleUsersPage})");
    }

    // 61 measured with this build: the grid with 25 rows and its header cells, the portal's own search box, filters and
    // pager (135 with MudTextField, three MudSelects and MudDataGridPager; 175 with a MudLink per row and the column menus).
    private const int MaxComponentsOnIdleUsersPage = 65;

    [Fact]
    public async Task Interactive_it_pages_sorts_and_filters_through_the_domain()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var page = Render<UsersPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Logins(page).Count));
        var total = int.Parse(page.Find("[data-testid=user-count]").TextContent.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(total >= Portal.Extra + 4, $"total {total}");

        var grid = page.FindComponent<MudDataGrid<UserSnapshot>>();
        await page.InvokeAsync(() => grid.Instance.SetSortAsync(nameof(UserSnapshot.LoginName), SortDirection.Descending, u => u.LoginName));
        // Sorted in the database: the first page starts with the last login name of all, not of the page shown before.
        page.WaitForAssertion(() => Assert.Equal("ivan.petrov", Logins(page)[0]));
        var descending = Logins(page);
        Assert.Equal(descending.OrderByDescending(l => l.ToUpperInvariant(), StringComparer.Ordinal).ToList(), descending);

        page.Find("input[data-testid=user-search]").Input("grid.person");
        page.WaitForAssertion(() =>
        {
            Assert.Equal("40 users", page.Find("[data-testid=user-count]").TextContent);
            Assert.All(Logins(page), l => Assert.StartsWith("grid.person.", l, StringComparison.Ordinal));
        }, TimeSpan.FromSeconds(5));

        var source = page.FindComponents<CredentialPortal.Components.Shared.FilterSelect<string>>()[0];
        await page.InvokeAsync(() => source.Instance.ValueChanged.InvokeAsync(PeopleCredentials.SourceActiveDirectory));
        page.WaitForAssertion(() =>
        {
            Assert.Equal("10 users", page.Find("[data-testid=user-count]").TextContent);
            Assert.Equal(10, Logins(page).Count);
        });

        page.Find("input[data-testid=user-search]").Input("nobody-is-called-this");
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=user-grid-empty]")), TimeSpan.FromSeconds(5));
        Assert.Empty(Logins(page));
    }
}
