using System.Text.RegularExpressions;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Api;

/// <summary>Lists cost a fixed number of SQL commands however many rows they return: no N+1.</summary>
public class QueryCountTests
{
    [Fact]
    public async Task A_page_of_any_size_costs_the_same_few_queries()
    {
        using var factory = new PortalAppFactory(overrides: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
        });
        var api = await ApiSession.SignInAsync(factory, "auditor", PortalAppFactory.DemoPassword);
        await api.GetAsync("storageTargets?limit=1"); // warm: account stamp, settings

        int CommandsDuring(Func<Task> call)
        {
            var before = Regex.Count(factory.Logs.Text, "Executed DbCommand");
            call().GetAwaiter().GetResult();
            return Regex.Count(factory.Logs.Text, "Executed DbCommand") - before;
        }

        var one = CommandsDuring(() => api.GetAsync("storageTargets?limit=1"));
        var all = CommandsDuring(() => api.GetAsync("storageTargets?limit=1000"));
        Assert.Equal(3, one); // count, page, the page's secret states
        Assert.Equal(one, all);
        var users = CommandsDuring(() => api.GetAsync("users?limit=1000&search=a"));
        Assert.InRange(users, 1, 2); // page (+ count when not cached)
        Assert.InRange(CommandsDuring(() => api.GetAsync("storageTargets/12")), 0, 2); // entity + its secrets, unless cached
        Assert.Equal(0, CommandsDuring(() => api.GetAsync("storageTargets/12"))); // served from the snapshot cache
    }
}
