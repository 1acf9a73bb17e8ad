using System.Net;
using System.Text.Json.Nodes;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Api;

/// <summary>
/// Keyset paging on every list (on whichever engine the run uses): each page with a next one links it
/// (<c>Link: &lt;…&gt;; rel="next"</c>), the walk reaches every row once in the list's order under its filters, and
/// bad cursors are 400 problems.
/// </summary>
public sealed class KeysetPagingTests : IClassFixture<KeysetPagingTests.Host>
{
    /// <summary>One portal for the class (its tests run one after another), with a few more SFTP targets than the demo's one.</summary>
    public sealed class Host : PortalAppFactory
    {
        public Host()
        {
            using var scope = Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CredentialPortal.Data.PortalDbContext>();
            db.StorageTargets.AddRange(Enumerable.Range(30, 3).Select(i =>
                new SftpStorageTarget { Id = i, Name = $"Branch SFTP {i}", Host = $"sftp{i}.example.com", Port = 22, UserName = "recorder", Path = "/srv" }));
            db.SaveChanges();
        }
    }

    private readonly PortalAppFactory factory;

    public KeysetPagingTests(Host factory) => this.factory = factory;

    private Task<ApiSession> AdminAsync() => ApiSession.SignInAsync(factory, "admin", PortalAppFactory.AdminPassword);

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        var link = Assert.Single(values);
        var match = System.Text.RegularExpressions.Regex.Match(link, "^<([^>]+)>; rel=\"next\"$");
        Assert.True(match.Success, link);
        return match.Groups[1].Value;
    }

    private static async Task<JsonArray> ItemsAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    /// <summary>Follows Link rel="next" from the first page; the ids in the order met, and every link followed.</summary>
    private static async Task<(List<string> Ids, List<string> Links)> WalkAsync(ApiSession api, string first)
    {
        var ids = new List<string>();
        var links = new List<string>();
        var response = await api.GetAsync(first);
        while (true)
        {
            ids.AddRange((await ItemsAsync(response)).Select(i => i!["id"]!.ToString()));
            if (NextLink(response) is not { } next) return (ids, links);
            links.Add(next);
            Assert.True(links.Count < 200, "the walk does not end");
            Assert.StartsWith(ApiSession.Base + "/", next); // an absolute path under the API base
            response = await api.Client.GetAsync(next);
        }
    }

    public static TheoryData<string, string, int> Lists => new()
    {
        { "users", "", 2 },
        { "users", "search=a", 1 },
        { "users", "search=%C3%B3", 1 }, // "ó": the filter travels percent-encoded in the links
        { "storageTargets", "", 1 },
        { "storageTargets", "type=sftp", 1 },
        { "storageTargets", "search=s", 2 },
        { "adSyncProfiles", "", 1 }, // Guid keys
        { "importSources", "", 1 },
        { "importSources", "search=e", 1 },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task Walking_the_next_links_reaches_every_row_exactly_once_in_the_lists_order_under_its_filters(string resource, string filter, int limit)
    {
        var api = await AdminAsync();
        var query = filter.Length > 0 ? filter + "&" : "";
        var all = await api.GetAsync($"{resource}?{query}limit=1000");
        var expected = (await ItemsAsync(all)).Select(i => i!["id"]!.ToString()).ToList();
        Assert.Null(NextLink(all)); // one page holds them all: no next
        Assert.True(expected.Count > limit, $"{resource}?{filter} should need several pages");

        var (ids, links) = await WalkAsync(api, $"{resource}?{query}limit={limit}");
        Assert.Equal(expected, ids);
        Assert.Equal((expected.Count + limit - 1) / limit - 1, links.Count);
        foreach (var link in links)
        {
            Assert.StartsWith($"{ApiSession.Base}/{resource}?", link);
            Assert.Contains($"limit={limit}", link);
            if (filter.Length > 0) Assert.Contains(filter, link);
            Assert.DoesNotContain("offset=", link);
        }
    }

    [Fact]
    public async Task An_offset_page_links_to_the_rows_after_it_and_the_last_page_has_no_link()
    {
        var api = await AdminAsync();
        var expected = (await ItemsAsync(await api.GetAsync("users?limit=1000"))).Select(i => i!["id"]!.ToString()).ToList();

        var page = await api.GetAsync("users?offset=3&limit=4");
        Assert.Equal(expected.Skip(3).Take(4), (await ItemsAsync(page)).Select(i => i!["id"]!.ToString()));
        var next = await api.Client.GetAsync(NextLink(page)!);
        Assert.Equal(expected.Skip(7).Take(4), (await ItemsAsync(next)).Select(i => i!["id"]!.ToString()));

        var last = await api.GetAsync($"users?offset={expected.Count - 2}&limit=2");
        Assert.Equal(2, (await ItemsAsync(last)).Count);
        Assert.Null(NextLink(last)); // exactly full: no empty page after it
        Assert.Null(NextLink(await api.GetAsync($"users?offset={expected.Count}")));
        Assert.Equal(expected.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), next.Headers.GetValues("X-Total-Count").Single());
    }

    [Fact]
    public async Task A_row_removed_behind_the_cursor_neither_repeats_nor_skips_a_row()
    {
        var api = await AdminAsync();
        var expected = (await ItemsAsync(await api.GetAsync("storageTargets?limit=1000"))).Select(i => i!["id"]!.ToString()).ToList();
        var first = await api.GetAsync("storageTargets?limit=2");
        var seen = (await ItemsAsync(first)).Select(i => i!["id"]!.ToString()).ToList();
        var link = NextLink(first)!;

        // Removing a row already passed shifts every offset page by one (offset=2 would now skip a row); the cursor holds.
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CredentialPortal.Data.PortalDbContext>();
            db.StorageTargets.Remove((await db.StorageTargets.FindAsync(int.Parse(seen[0], System.Globalization.CultureInfo.InvariantCulture)))!);
            await db.SaveChangesAsync();
        }
        var rest = (await ItemsAsync(await api.Client.GetAsync(link.Replace("limit=2", "limit=1000")))).Select(i => i!["id"]!.ToString()).ToList();
        Assert.Equal(expected.Skip(2), rest);
        var byOffset = (await ItemsAsync(await api.GetAsync("storageTargets?offset=2&limit=1000"))).Select(i => i!["id"]!.ToString());
        Assert.Equal(expected.Skip(3), byOffset);
    }

    public static TheoryData<string> BadCursors => new()
    {
        "not-a-cursor!",
        "AAAA",
        new ListCursor("users:id", null, "10").Encode(),           // another list's cursor
        new ListCursor("storageTargets:id", "x", "12").Encode(),   // a sort value the id sort does not have
        new ListCursor("storageTargets:id", null, "twelve").Encode(),
        System.Buffers.Text.Base64Url.EncodeToString("[2,\"storageTargets:id\",null,\"12\"]"u8), // another version
        new string('A', ListCursor.MaxLength + 4),
    };

    [Theory]
    [MemberData(nameof(BadCursors))]
    public async Task A_cursor_this_list_did_not_issue_is_a_400_problem(string cursor)
    {
        var api = await AdminAsync();
        var response = await api.GetAsync($"storageTargets?after={Uri.EscapeDataString(cursor)}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(ApiPagingCodes.InvalidCursor, (string?)problem["code"]);
        Assert.Contains("'after'", (string?)problem["detail"]);
    }

    [Fact]
    public async Task After_and_offset_together_are_a_400_and_a_users_cursor_is_refused_by_the_connector_lists()
    {
        var api = await AdminAsync();
        var usersNext = NextLink(await api.GetAsync("users?limit=1"))!;
        var after = System.Web.HttpUtility.ParseQueryString(new Uri("http://x" + usersNext).Query)["after"]!;

        var both = await api.GetAsync($"users?offset=0&after={Uri.EscapeDataString(after)}");
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Equal("paging_conflict", (string?)JsonNode.Parse(await both.Content.ReadAsStringAsync())!["code"]);

        foreach (var resource in EntityCatalog.Resources)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync($"{resource.Name}?after={Uri.EscapeDataString(after)}")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"users?after={Uri.EscapeDataString(after)}")).StatusCode);
    }

    [Fact]
    public async Task The_domain_continues_every_cursor_sort_of_the_people_list_in_its_order()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var people = scope.ServiceProvider.GetRequiredService<PeopleCredentials>();
        foreach (var sort in new[] { "id", "loginName", "displayName" })
        {
            foreach (var descending in new[] { false, true })
            {
                var filter = new UserQuery(SortBy: sort, Descending: descending);
                var expected = (await people.ListPageAsync(filter, 0, null, 1000)).Items.Select(u => u.Id).ToList();
                var walked = new List<int>();
                ListCursor? after = null;
                do
                {
                    var page = await people.ListPageAsync(filter, 0, after, 3);
                    walked.AddRange(page.Items.Select(u => u.Id));
                    after = page.Next;
                }
                while (after is not null);
                Assert.True(expected.SequenceEqual(walked), $"{sort} {(descending ? "desc" : "asc")}: {string.Join(",", walked)} vs {string.Join(",", expected)}");
            }
        }
        // A nullable sort has no cursor: offset paging only.
        Assert.Null((await people.ListPageAsync(new UserQuery(SortBy: "lastPasswordChange"), 0, null, 1)).Next);
    }
}

file static class ApiPagingCodes
{
    public const string InvalidCursor = CredentialPortal.Api.ApiPaging.InvalidCursorCode;
}
