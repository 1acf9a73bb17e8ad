using Bunit;
using CredentialPortal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace CredentialPortal.Tests.Components;

/// <summary>The list pages' own light controls: the select-only combobox, the debounced search box.</summary>
public sealed class ListControlsTests : PortalComponentTest
{
    private static readonly FilterOption<string>[] Sources = [new("", "Any"), new("local", "Local"), new("ad", "Active Directory")];

    private (IRenderedComponent<FilterSelect<string>> Select, List<string> Chosen) RenderSelect(string value = "")
    {
        var chosen = new List<string>();
        var select = Render<FilterSelect<string>>(p => p
            .Add(s => s.Label, "Source")
            .Add(s => s.Options, Sources)
            .Add(s => s.Value, value)
            .Add(s => s.ValueChanged, EventCallback.Factory.Create<string>(this, v => chosen.Add(v)))
            .AddUnmatched("data-testid", "source"));
        return (select, chosen);
    }

    [Fact]
    public void The_combobox_is_named_by_its_visible_label_shows_the_value_and_keeps_no_options_while_closed()
    {
        var (select, _) = RenderSelect("local");
        var combobox = select.Find("[role=combobox]");
        Assert.Equal("source", combobox.GetAttribute("data-testid"));
        Assert.Equal("Local", combobox.TextContent);
        Assert.Equal("false", combobox.GetAttribute("aria-expanded"));
        Assert.Equal("Source", select.Find("#" + combobox.GetAttribute("aria-labelledby")).TextContent);
        Assert.Empty(select.FindAll("[role=option]"));
    }

    [Fact]
    public void Arrow_keys_move_through_the_options_and_enter_chooses_the_one_shown_active()
    {
        var (select, chosen) = RenderSelect();
        var combobox = select.Find("[role=combobox]");
        combobox.KeyDown(new KeyboardEventArgs { Key = "ArrowDown" });
        Assert.Equal("true", select.Find("[role=combobox]").GetAttribute("aria-expanded"));
        var options = select.FindAll("[role=option]");
        Assert.Equal(["Any", "Local", "Active Directory"], options.Select(o => o.TextContent.Trim()));
        Assert.Equal("true", options[0].GetAttribute("aria-selected"));
        Assert.Equal(options[0].Id, select.Find("[role=combobox]").GetAttribute("aria-activedescendant"));

        select.Find("[role=combobox]").KeyDown(new KeyboardEventArgs { Key = "ArrowDown" });
        select.Find("[role=combobox]").KeyDown(new KeyboardEventArgs { Key = "ArrowDown" });
        select.Find("[role=combobox]").KeyDown(new KeyboardEventArgs { Key = "ArrowDown" }); // stays on the last
        Assert.Equal(select.FindAll("[role=option]")[2].Id, select.Find("[role=combobox]").GetAttribute("aria-activedescendant"));
        select.Find("[role=combobox]").KeyDown(new KeyboardEventArgs { Key = "Enter" });

        Assert.Equal(["ad"], chosen);
        Assert.Empty(select.FindAll("[role=option]"));
    }

    [Fact]
    public void Escape_closes_without_choosing_and_a_letter_chooses_the_next_option_starting_with_it()
    {
        var (select, chosen) = RenderSelect();
        select.Find("[role=combobox]").KeyDown(new KeyboardEventArgs { Key = "End" });
        select.Find("[role=combobox]").KeyDown(new KeyboardEventArgs { Key = "Escape" });
        Assert.Empty(chosen);
        Assert.Empty(select.FindAll("[role=option]"));

        select.Find("[role=combobox]").KeyDown(new KeyboardEventArgs { Key = "l" });
        Assert.Equal(["local"], chosen);
    }

    [Fact]
    public void Clicking_opens_the_list_and_clicking_an_option_chooses_it_but_the_current_value_is_not_chosen_again()
    {
        var (select, chosen) = RenderSelect("local");
        select.Find(".mud-input-control").Click();
        select.FindAll("[role=option]")[1].Click();
        Assert.Empty(chosen);
        select.Find(".mud-input-control").Click();
        select.FindAll("[role=option]")[0].Click();
        Assert.Equal([""], chosen);
    }

    [Fact]
    public async Task The_search_box_reports_once_typing_pauses_and_its_clear_button_empties_it()
    {
        var reported = new List<string>();
        var search = Render<SearchField>(p => p
            .Add(s => s.Label, "Search")
            .Add(s => s.Debounce, TimeSpan.FromMilliseconds(100))
            .Add(s => s.ValueChanged, EventCallback.Factory.Create<string>(this, v => reported.Add(v)))
            .AddUnmatched("data-testid", "search"));
        var input = search.Find("input[data-testid=search]");
        Assert.Equal("Search", search.Find($"label[for={input.Id}]").TextContent);

        var first = search.InvokeAsync(() => search.Find("input").Input("an"));
        var second = search.InvokeAsync(() => search.Find("input").Input("ann"));
        await Task.WhenAll(first, second);
        search.WaitForAssertion(() => Assert.Equal(["ann"], reported));

        search.Find("[data-testid=search-clear]").Click();
        Assert.Equal(["ann", ""], reported);
        Assert.Empty(search.FindAll("[data-testid=search-clear]"));
    }
}
