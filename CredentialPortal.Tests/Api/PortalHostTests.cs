using System.Net;
using CredentialPortal.Data;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Api;

/// <summary>The whole pipeline over HTTP (WebApplicationFactory) on a temporary SQLite file.</summary>
public class PortalHostTests(PortalHostTests.Host host) : IClassFixture<PortalHostTests.Host>
{
    public sealed class Host : IDisposable
    {
        public PortalAppFactory Factory { get; } = new();
        public Host() => Factory.CreateClient().Dispose(); // start once for the class
        public void Dispose() => Factory.Dispose();
    }

    private PortalAppFactory Factory => host.Factory;
    private HttpClient NewClient() => Factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task Healthz_answers_healthy_without_signing_in()
    {
        var response = await NewClient().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact, Trait("Engine", "SqliteOnly")]
    public async Task Schema_comes_from_migrations_in_a_file_under_the_data_directory()
    {
        Assert.True(File.Exists(Factory.Data.DatabasePath));
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());

        // Read the file directly, outside EF: the history table is there and the journal is WAL.
        await using var raw = new SqliteConnection($"Data Source={Factory.Data.DatabasePath};Mode=ReadOnly");
        await raw.OpenAsync();
        await using var cmd = raw.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM __EFMigrationsHistory";
        Assert.True((long)(await cmd.ExecuteScalarAsync())! >= 1);
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Demo_data_carries_the_seed_documents_ids()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();

        var user16 = await db.Users.SingleAsync(u => u.Id == 16);
        Assert.Equal(UserSource.Local, user16.Source);
        Assert.NotNull(user16.PasswordHash);
        Assert.Contains(await db.Users.ToListAsync(), u => u.Source == UserSource.ActiveDirectory);

        var ldap = Assert.IsType<LdapSyncProfile>(await db.AdSyncProfiles.SingleAsync(p => p.Id == Guid.Parse("13F72189-2EEB-425F-885B-7D1BBA83DDEB")));
        Assert.Equal("LDAP AD Synchronization Profile description", ldap.Description);

        var s3 = Assert.IsType<AmazonS3StorageTarget>(await db.StorageTargets.SingleAsync(t => t.Id == 11));
        Assert.Equal(("Amazon S3", "bucket name", "region", true, "compliance"), (s3.Name, s3.Bucket, s3.Region, s3.ObjectLockEnabled, s3.ObjectLockMode));

        var zoom = Assert.IsType<ZoomPhonesImportSource>(await db.ImportSources.SingleAsync(s => s.Id == 1));
        Assert.Equal(("Zoom Phone import", "jwt", "proxy address", 1111, "zoom_proxyuser", "https://api.zoom.us/v2/"),
            (zoom.Name, zoom.AuthType, zoom.ForwardProxyAddress, zoom.ForwardProxyPort, zoom.ForwardProxyUser, zoom.ApiAddress));

        // A few of every other type.
        var storageTypes = await db.StorageTargets.Select(t => EF.Property<string>(t, "Type")).Distinct().ToListAsync();
        Assert.Equal(["amazon_s3", "azure_blob", "sftp", "smb"], storageTypes.Order(StringComparer.Ordinal));
        Assert.Equal(2, await db.AdSyncProfiles.Select(p => EF.Property<string>(p, "Type")).Distinct().CountAsync());
        Assert.Equal(3, await db.ImportSources.Select(p => EF.Property<string>(p, "Type")).Distinct().CountAsync());
    }

    [Fact]
    public async Task New_organisations_and_accounts_get_ids_past_the_seeded_ones()
    {
        var accounts = Factory.Services.GetRequiredService<CredentialPortal.Domain.Organisations.MachineUserAccounts>();
        var org = await accounts.CreateOrgAsync(CredentialPortal.Domain.Audit.Actor.System, "Created after the demo " + Guid.NewGuid().ToString("N")[..6]);
        Assert.True(org.Succeeded);
        Assert.True(org.Value!.Id > 2); // the demo's organisations are 1 and 2

        using var scope = Factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var person = new PortalUser { UserName = "created." + Guid.NewGuid().ToString("N")[..6], DisplayName = "Created", CreatedAt = DateTime.UtcNow };
        Assert.True((await users.CreateAsync(person)).Succeeded);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(await db.Users.MaxAsync(u => u.Id), person.Id);
    }

    [Fact]
    public async Task Anonymous_visitor_is_sent_to_sign_in()
    {
        var response = await NewClient().GetAsync("/storage-targets");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("storage-targets", Uri.UnescapeDataString(response.Headers.Location.Query));
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_clear_error_and_no_session()
    {
        foreach (var (login, password) in new[] { ("admin", "not-the-password"), ("nobody-by-this-name", "whatever-password") })
        {
            var client = NewClient();
            var response = await PortalForms.SubmitLoginAsync(client, login, password);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("The user name or password is incorrect.", html);
            Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("CredentialPortal.Session", StringComparison.Ordinal)));
        }

        // Both attempts are audited as failed sign-ins through the portal, with the reason but never the password.
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var failures = await db.AuditRecords.Where(r => r.Action == "sign-in-failed").ToListAsync();
        Assert.Contains(failures, r => r.ActorName == "admin" && r.EntityId == "1" && r.Outcome == "wrong password" && r.Door.ToString() == "UI");
        Assert.Contains(failures, r => r.ActorName == "nobody-by-this-name" && r.EntityId == null && r.Outcome == "unknown login name");
        Assert.DoesNotContain(await db.AuditRecords.ToListAsync(), r => $"{r.Changes}{r.Outcome}{r.Properties}".Contains("not-the-password"));
    }

    [Fact]
    public async Task An_unknown_portal_address_shows_the_not_found_page()
    {
        var client = await PortalForms.SignedInClientAsync(Factory, "admin", PortalAppFactory.AdminPassword);
        var response = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Matches("<h1[^>]*>Page not found</h1>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Admin_signs_in_and_reaches_the_dashboard()
    {
        var client = await PortalForms.SignedInClientAsync(Factory, "admin", PortalAppFactory.AdminPassword);
        var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches("<h1[^>]*>Dashboard</h1>", html);
        Assert.Contains("Storage targets", html);
    }

    [Theory]
    [InlineData("helpdesk", "/users", HttpStatusCode.OK)]
    [InlineData("helpdesk", "/storage-targets", HttpStatusCode.Redirect)]
    [InlineData("helpdesk", "/audit", HttpStatusCode.Redirect)]
    [InlineData("auditor", "/audit", HttpStatusCode.OK)]
    [InlineData("auditor", "/storage-targets", HttpStatusCode.OK)]
    [InlineData("auditor", "/settings", HttpStatusCode.Redirect)]
    public async Task Roles_are_enforced_on_the_server_not_only_in_the_menu(string login, string path, HttpStatusCode expected)
    {
        var client = await PortalForms.SignedInClientAsync(Factory, login, PortalAppFactory.DemoPassword);
        var response = await client.GetAsync(path);
        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Redirect)
        {
            Assert.StartsWith("/account/access-denied", response.Headers.Location!.AbsolutePath);
        }
    }

    [Fact]
    public async Task The_people_list_arrives_with_its_first_page_already_rendered()
    {
        var client = await PortalForms.SignedInClientAsync(Factory, "admin", PortalAppFactory.AdminPassword);
        var html = await client.GetStringAsync("/users");
        var rows = html.Split("data-testid=\"user-link\"").Length - 1;
        await using var scope = Factory.Services.CreateAsyncScope();
        var people = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Users.CountAsync(u => !u.IsMachine);
        Assert.Equal(Math.Min(25, people), rows);
        Assert.Contains(">admin</a>", html);
    }

    [Fact]
    public async Task Integrator_is_api_only_and_cannot_sign_in_to_the_portal()
    {
        var response = await PortalForms.SubmitLoginAsync(NewClient(), "integrator", PortalAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("for the REST API only", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Disabled_account_cannot_sign_in()
    {
        await using (var scope = Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var auditor2 = new PortalUser { UserName = "auditor.disabled", DisplayName = "Disabled auditor", Enabled = false, CreatedAt = DateTime.UtcNow };
            Assert.True((await users.CreateAsync(auditor2, PortalAppFactory.DemoPassword)).Succeeded);
            Assert.True((await users.AddToRoleAsync(auditor2, "Auditor")).Succeeded);
        }
        var response = await PortalForms.SubmitLoginAsync(NewClient(), "auditor.disabled", PortalAppFactory.DemoPassword);
        Assert.Contains("The user name or password is incorrect.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Sign_out_ends_the_session()
    {
        var client = await PortalForms.SignedInClientAsync(Factory, "auditor", PortalAppFactory.DemoPassword);
        var page = await client.GetStringAsync("/account/logout");
        var form = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(page).QuerySelector("form")!;
        var fields = form.QuerySelectorAll("input[type=hidden]").ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        var response = await client.PostAsync("/account/logout", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var after = await client.GetAsync("/audit");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/account/login", after.Headers.Location!.AbsolutePath);
    }
}
