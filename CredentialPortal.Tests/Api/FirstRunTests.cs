using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Api;

public class FirstRunTests
{
    private static async Task<bool> AdminPasswordIsAsync(PortalAppFactory factory, string password)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var admin = await users.FindByNameAsync("admin");
        Assert.NotNull(admin);
        Assert.Contains("Administrator", await users.GetRolesAsync(admin));
        return await users.CheckPasswordAsync(admin, password);
    }

    [Fact]
    public async Task Without_a_configured_password_the_admin_gets_a_generated_one_printed_once()
    {
        using var data = new TestDataDirectory();
        var noPassword = new Dictionary<string, string?> { ["Portal:AdminPassword"] = "", ["Portal:SeedDemo"] = "false" };

        string generated;
        using (var first = new PortalAppFactory(data, noPassword))
        {
            first.CreateClient().Dispose();
            var printed = first.Notices.ToString();
            Assert.Contains("generated password", printed);
            generated = printed.Split('\n').Select(l => l.Trim()).SkipWhile(l => !l.Contains("generated password")).Skip(1).First(l => l.Length > 0);
            Assert.Equal(32, generated.Length);
            Assert.True(await AdminPasswordIsAsync(first, generated));
            // A first start on an empty database is clean: nothing reads a table before the migrations create it. (EF's
            // own probe of a new PostgreSQL database for its migrations history table is logged as an error; it is EF's.)
            var errors = System.Text.RegularExpressions.Regex.Matches(first.Logs.Text,
                    @"^(Error|Critical) .*?(?=^(Trace|Debug|Information|Warning|Error|Critical) |\z)",
                    System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.Singleline)
                .Select(m => m.Value).Where(e => !e.Contains("FROM \"__EFMigrationsHistory\"")).ToList();
            Assert.True(errors.Count == 0, string.Join("\n", errors));
        }

        // A restart over the same data directory neither prints nor changes it.
        using var second = new PortalAppFactory(data, noPassword);
        second.CreateClient().Dispose();
        Assert.DoesNotContain(generated, second.Notices.ToString());
        Assert.DoesNotContain("First run", second.Notices.ToString());
        Assert.True(await AdminPasswordIsAsync(second, generated));
    }

    [Fact]
    public async Task A_configured_admin_password_is_used_and_not_printed()
    {
        using var factory = new PortalAppFactory(overrides: new Dictionary<string, string?> { ["Portal:SeedDemo"] = "false" });
        factory.CreateClient().Dispose();
        Assert.True(await AdminPasswordIsAsync(factory, PortalAppFactory.AdminPassword));
        Assert.Contains("Portal:AdminPassword", factory.Notices.ToString());
        Assert.DoesNotContain(PortalAppFactory.AdminPassword, factory.Notices.ToString());
    }

    [Fact]
    public void Demo_data_is_loaded_into_an_empty_database_only()
    {
        using var data = new TestDataDirectory();
        using (var first = new PortalAppFactory(data))
        {
            first.CreateClient().Dispose();
            Assert.Contains("Demo data loaded", first.Notices.ToString());
        }
        using var second = new PortalAppFactory(data);
        second.CreateClient().Dispose();
        Assert.Contains("not loaded again", second.Notices.ToString());
    }
}
