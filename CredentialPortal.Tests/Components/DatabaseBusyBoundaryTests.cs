using Bunit;
using CredentialPortal.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Components;

/// <summary>The portal's pages and dialogs sit inside this boundary (MainLayout): a busy database is a message, not a dead page.</summary>
public class DatabaseBusyBoundaryTests : PortalComponentTest
{

    /// <summary>What EF throws when SQLite's lock was not granted within the busy timeout.</summary>
    private static Exception BusyDatabase() =>
        new DbUpdateException("An error occurred while saving the entity changes.", new SqliteException("SQLite Error 5: 'database is locked'.", 5));

    [Fact]
    public void A_save_that_meets_a_busy_database_says_try_again_and_trying_again_brings_the_page_back()
    {
        var boundary = Render<DatabaseBusyBoundary>(p => p.AddChildContent<SaveButton>(b => b.Add(x => x.Failure, BusyDatabase)));

        boundary.Find("[data-testid=save]").Click();

        var notice = boundary.WaitForElement("[data-testid=database-busy]");
        Assert.Equal("alert", notice.GetAttribute("role"));
        Assert.Contains("busy", notice.TextContent);
        Assert.Contains("Try again", notice.TextContent);
        Assert.Empty(boundary.FindAll("[data-testid=save]"));

        boundary.Find("[data-testid=database-busy-retry]").Click();
        Assert.Empty(boundary.FindAll("[data-testid=database-busy]"));
        Assert.NotNull(boundary.Find("[data-testid=save]"));
    }

    [Fact]
    public void Any_other_error_is_not_called_busy()
    {
        var boundary = Render<DatabaseBusyBoundary>(p => p.AddChildContent<SaveButton>(b => b.Add(x => x.Failure,
            () => new DbUpdateException("constraint", new SqliteException("SQLite Error 19: 'UNIQUE constraint failed'.", 19)))));

        boundary.Find("[data-testid=save]").Click();

        boundary.WaitForElement(".blazor-error-boundary");
        Assert.Empty(boundary.FindAll("[data-testid=database-busy]"));
    }

    /// <summary>A button whose click handler fails the way a domain call over the database does.</summary>
    private sealed class SaveButton : ComponentBase
    {
        [Parameter] public Func<Exception> Failure { get; set; } = () => new InvalidOperationException();

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "button");
            builder.AddAttribute(1, "data-testid", "save");
            builder.AddAttribute(2, "onclick", EventCallback.Factory.Create(this, async () =>
            {
                await Task.Yield();
                throw Failure();
            }));
            builder.AddContent(3, "Save");
            builder.CloseElement();
        }
    }
}
