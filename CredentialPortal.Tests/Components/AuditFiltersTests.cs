using Bunit;
using CredentialPortal.Components.Audit;
using CredentialPortal.Domain.Audit;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Components;

public class AuditFiltersTests : PortalComponentTest
{

    [Fact]
    public void Each_filter_narrows_the_query_and_the_end_date_is_inclusive()
    {
        AuditQuery? last = null;
        var filters = Render<AuditFilters>(p => p.Add(x => x.QueryChanged, q => last = q));

        filters.Find("[data-testid=filter-actor]").Change("helpdesk");
        Assert.Equal(new AuditQuery(Actor: "helpdesk"), last);
        filters.Find("[data-testid=filter-door]").Change("API");
        filters.Find("[data-testid=filter-entity-type]").Change("storageTargets");
        filters.Find("[data-testid=filter-from]").Change("2026-11-01");
        filters.Find("[data-testid=filter-to]").Change("2026-11-22");

        Assert.Equal(Door.API, last!.Door);
        Assert.Equal("storageTargets", last.EntityType);
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
        var options = filters.FindAll("[data-testid=filter-family] option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Equal(["", .. AuditActionFamilies.All.Select(f => f.Name)], options);
        Assert.Contains("lockout", options);
        filters.Find("[data-testid=filter-family]").Change("lockout");
        Assert.Equal(new AuditQuery(Family: "lockout"), last);
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
