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

    [Fact]
    public async Task A_deep_after_page_costs_the_same_commands_as_the_first_and_seeks_instead_of_skipping()
    {
        using var factory = new PortalAppFactory(overrides: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
            ["Portal:SeedDemo"] = null,
            ["Portal:SeedScale"] = "2000",
        });
        var api = await ApiSession.SignInAsync(factory, "admin", PortalAppFactory.AdminPassword);

        // The SQL of every command a call runs (EF logs each with its text), leaving out the totals: the people list
        // caches its count for a moment, so whether one runs depends on the clock, not on the page.
        List<string> PageCommands(string path)
        {
            var before = factory.Logs.Text.Length;
            using var response = api.Client.GetAsync(path.StartsWith('/') ? path : $"{ApiSession.Base}/{path}").GetAwaiter().GetResult();
            Assert.True(response.IsSuccessStatusCode, path);
            return Regex.Split(factory.Logs.Text[before..], "Executed DbCommand").Skip(1).Where(sql => !sql.Contains("COUNT(", StringComparison.OrdinalIgnoreCase)).ToList();
        }
        string DeepLink(string path)
        {
            using var response = api.Client.GetAsync($"{ApiSession.Base}/{path}").GetAwaiter().GetResult();
            return Regex.Match(response.Headers.GetValues("Link").Single(), "^<([^>]+)>").Groups[1].Value;
        }

        foreach (var (list, depth) in new[] { ("users", 1900), ("storageTargets", 150), ("adSyncProfiles", 150), ("importSources", 150) })
        {
            PageCommands($"{list}?limit=10"); // warm: account stamp, settings
            var first = PageCommands($"{list}?limit=10");
            var deep = PageCommands(DeepLink($"{list}?offset={depth}&limit=10"));
            Assert.True(first.Count is 1 or 2, $"{list}: " + string.Join("\n---\n", first)); // the page (+ its secret states for connectors)
            Assert.True(first.Count == deep.Count, $"{list}: " + string.Join("\n---\n", deep));
            // The deep page seeks on the key: no OFFSET to walk, whatever the depth.
            Assert.DoesNotContain(deep, sql => Regex.IsMatch(sql, @"\bOFFSET\b", RegexOptions.IgnoreCase));
            Assert.Contains(deep, sql => Regex.IsMatch(sql, @"""Id"" > @", RegexOptions.IgnoreCase));
        }
    }
}
