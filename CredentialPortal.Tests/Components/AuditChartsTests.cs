using AngleSharp.Dom;
using Bunit;
using CredentialPortal.Components.Audit;
using CredentialPortal.Components.Dashboard;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Inventory;

namespace CredentialPortal.Tests.Components;

/// <summary>The dashboard's and the audit view's charts: named, with their numbers as text, and no broken ARIA.</summary>
public class AuditChartsTests : PortalComponentTest
{
    private static readonly string[] IdReferences = ["aria-labelledby", "aria-describedby", "aria-controls", "aria-owns", "aria-activedescendant"];
    private static readonly string[] TrueFalse = ["aria-hidden", "aria-expanded", "aria-selected", "aria-checked", "aria-pressed", "aria-disabled", "aria-readonly", "aria-required"];

    /// <summary>What axe's aria-valid-attr-value checks for the common attributes: ids that exist, true/false values, numbers.</summary>
    private static void AssertValidAria<T>(IRenderedComponent<T> rendered) where T : Microsoft.AspNetCore.Components.IComponent
    {
        foreach (var element in rendered.FindAll("*"))
        {
            foreach (var attribute in element.Attributes.Where(a => a.Name.StartsWith("aria-", StringComparison.Ordinal)))
            {
                var where = $"{attribute.Name}=\"{attribute.Value}\" on {element.TagName}";
                if (IdReferences.Contains(attribute.Name))
                {
                    Assert.False(string.IsNullOrWhiteSpace(attribute.Value), where);
                    foreach (var id in attribute.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        Assert.True(rendered.FindAll($"[id='{id}']").Count == 1, where);
                    }
                }
                else if (TrueFalse.Contains(attribute.Name))
                {
                    Assert.True(attribute.Value is "true" or "false" or "mixed", where);
                }
                else if (attribute.Name is "aria-valuenow" or "aria-valuemin" or "aria-valuemax" or "aria-level" or "aria-colcount" or "aria-rowcount")
                {
                    Assert.True(double.TryParse(attribute.Value, System.Globalization.CultureInfo.InvariantCulture, out _), where);
                }
            }
        }
    }

    private static string Name<T>(IRenderedComponent<T> rendered, IElement figure) where T : Microsoft.AspNetCore.Components.IComponent =>
        string.Join(" ", figure.GetAttribute("aria-labelledby")!.Split(' ').Select(id => rendered.Find($"[id='{id}']").TextContent.Trim()));

    [Fact]
    public void The_credential_age_chart_is_named_and_its_numbers_are_a_table()
    {
        AgeBuckets[] ages = [new("users", 3, 4, 1, 2, 0), new("storageTargets", 0, 1, 2, 5, 7)];
        var chart = Render<CredentialAgeChart>(p => p.Add(x => x.Ages, ages));

        var figure = chart.Find("[data-testid=age-chart]");
        Assert.Equal("Credentials by age since last change, per holder type", Name(chart, figure));
        Assert.NotNull(figure.QuerySelector("svg")); // the drawn chart
        Assert.Equal("true", figure.QuerySelector("svg")!.Closest("[aria-hidden]")!.GetAttribute("aria-hidden")); // decoration: the table speaks for it
        var rows = chart.FindAll("[data-testid=age-table] tbody tr").Select(r => r.Children.Select(c => c.TextContent.Trim()).ToArray()).ToList();
        Assert.Equal([["People", "3", "4", "1", "2", "0"], ["Storage targets", "0", "1", "2", "5", "7"]], rows);
        Assert.Equal(["Holder type", .. CredentialAgeChart.BucketNames], chart.FindAll("[data-testid=age-table] thead th").Select(h => h.TextContent.Trim()));
        AssertValidAria(chart);
    }

    [Fact]
    public void The_records_per_day_chart_is_named_and_lists_each_day()
    {
        AuditDayCount[] days = [new(new DateTime(2026, 11, 30, 0, 0, 0, DateTimeKind.Utc), 4), new(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), 11)];
        var chart = Render<AuditDayChart>(p => p.Add(x => x.Days, days));

        Assert.Equal("Records per day (UTC) matching the filters", Name(chart, chart.Find("[data-testid=audit-days]")));
        Assert.NotNull(chart.Find("[data-testid=audit-days] svg"));
        var rows = chart.FindAll("[data-testid=audit-days-table] tbody tr").Select(r => r.Children.Select(c => c.TextContent.Trim()).ToArray()).ToList();
        Assert.Equal([["2026-11-30", "4"], ["2026-12-01", "11"]], rows);
        AssertValidAria(chart);

        var empty = Render<AuditDayChart>(p => p.Add(x => x.Days, []));
        Assert.Equal("No records to count for these filters.", empty.Find("[data-testid=audit-days-empty]").TextContent);
    }

    [Fact]
    public void An_entity_name_links_to_its_page_and_a_gone_one_is_plain_type_and_id()
    {
        var found = Render<EntityName>(p => p.Add(x => x.Label, new EntityLabel("Offsite SFTP", "/storage-targets/13", true)));
        var link = found.Find("a[data-testid=entity-name]");
        Assert.Equal("/storage-targets/13", link.GetAttribute("href"));
        Assert.Equal("Offsite SFTP", link.TextContent.Trim());

        var gone = Render<EntityName>(p => p.Add(x => x.Label, EntityLabel.Unknown(new("storageTargets", "99"))));
        Assert.Empty(gone.FindAll("a"));
        Assert.Equal("Storage target 99", gone.Find("[data-testid=entity-name]").TextContent.Trim());
    }

    [Fact]
    public void A_saved_filter_link_holds_every_filter_and_an_entity_history_links_to_its_filter()
    {
        var query = new AuditQuery(Actor: "help desk", EntityType: "storageTargets", EntityId: "13", Door: Door.UI, Family: "secret", EntityName: "Offsite & co",
            FromUtc: new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), ToUtc: new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc));
        Assert.Equal("/audit?actor=help%20desk&entity=Offsite%20%26%20co&entityType=storageTargets&entityId=13&door=UI&family=secret&from=2026-11-01&to=2026-11-22",
            AuditPage.PathOf(query));
        Assert.Equal("/audit", AuditPage.PathOf(new AuditQuery()));
        Assert.Equal("/audit?entityType=adSyncProfiles&entityId=13F72189-2EEB-425F-885B-7D1BBA83DDEB",
            EntityHistory.FullHistoryPath("adSyncProfiles", "13F72189-2EEB-425F-885B-7D1BBA83DDEB"));
    }
}
