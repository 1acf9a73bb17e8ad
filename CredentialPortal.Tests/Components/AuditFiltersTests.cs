using Bunit;
using CredentialPortal.Components.Audit;
using CredentialPortal.Components.Shared;
using CredentialPortal.Domain.Audit;

namespace CredentialPortal.Tests.Components;

public class AuditFiltersTests : PortalComponentTest
{
    /// <summary>Opens the select labelled <paramref name="label"/> and clicks the option <paramref name="option"/>, as a person does.</summary>
    private static void Choose(IRenderedComponent<AuditFilters> filters, string label, string option)
    {
        Options(filters, label);
        filters.FindAll("[role=option]").Single(o => o.TextContent.Trim() == option).Click();
    }

    private static List<string> Options(IRenderedComponent<AuditFilters> filters, string label)
    {
        var select = filters.FindComponents<FilterSelect<string>>().Single(s => s.Instance.Label == label);
        select.Find("[role=combobox]").Click();
        return select.FindAll("[role=option]").Select(o => o.TextContent.Trim()).ToList();
    }

    [Fact]
    public void Each_filter_narrows_the_query_and_the_end_date_is_inclusive()
    {
        AuditQuery? last = null;
        var filters = Render<AuditFilters>(p => p.Add(x => x.QueryChanged, q => last = q));

        filters.Find("input[data-testid=filter-actor]").Change("helpdesk");
        Assert.Equal(new AuditQuery(Actor: "helpdesk"), last);
        Choose(filters, "Door", "API");
        Choose(filters, "Entity type", "Storage targets");
        filters.Find("input[data-testid=filter-from]").Change("2026-11-01");
        filters.Find("input[data-testid=filter-to]").Change("2026-11-22");
        filters.Find("input[data-testid=filter-entity]").Change("  Offsite  ");

        Assert.Equal("helpdesk", last!.Actor);
        Assert.Equal(Door.API, last.Door);
        Assert.Equal("storageTargets", last.EntityType);
        Assert.Equal("Offsite", last.EntityName);
        Assert.Equal(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), last.FromUtc);
        Assert.Equal(new DateTime(2026, 11, 23, 0, 0, 0, DateTimeKind.Utc), last.ToUtc); // up to the end of the 22nd

        filters.Find("[data-testid=filter-clear]").Click();
        Assert.Equal(new AuditQuery(), last);
    }

    [Fact]
    public void The_action_family_filter_offers_every_family_from_the_domain_and_narrows_the_query()
    {
        AuditQuery? last = null;
        var filters = Render<AuditFilters>(p => p.Add(x => x.QueryChanged, q => last = q));
        Assert.Equal(["Any", .. AuditActionFamilies.All.Select(f => f.Label)], Options(filters, "Action family"));
        filters.FindAll("[role=option]").Single(o => o.TextContent.Trim() == "Lockout").Click();
        Assert.Equal(new AuditQuery(Family: "lockout"), last);
    }

    [Fact]
    public void Every_input_has_a_label_of_its_own()
    {
        var filters = Render<AuditFilters>();
        foreach (var input in filters.FindAll("input:not([type=hidden]):not([aria-hidden=true])"))
        {
            var id = input.GetAttribute("id");
            Assert.False(string.IsNullOrEmpty(id), input.OuterHtml);
            Assert.Single(filters.FindAll($"label[for='{id}']"));
        }
    }

    [Fact]
    public void Details_show_public_changes_old_to_new_and_secrets_by_name_only()
    {
        var record = new AuditRecord
        {
            ActorName = "admin", Action = "update", PreviousHash = "", Properties = "host,password",
            Changes = """{"host":{"old":"a.example","new":"b.example"}}""",
        };
        Assert.Equal(["host: a.example → b.example", "password (value not recorded)"], AuditRecordTable.Details(record));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("plain, with comma", "\"plain, with comma\"")]
    [InlineData("ordinary", "ordinary")]
    public void Csv_cells_neutralise_spreadsheet_formulas(string value, string expected)
    {
        Assert.Equal(expected, AuditQueries.CsvCell(value));
    }
}
