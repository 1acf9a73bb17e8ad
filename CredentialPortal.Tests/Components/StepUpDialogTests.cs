using Bunit;
using CredentialPortal.Components.Shared;
using CredentialPortal.Domain.Users;

namespace CredentialPortal.Tests.Components;

/// <summary>The step-up dialog (docs/design.md §6.9): what it offers, and that what was typed does not stay in it.</summary>
public class StepUpDialogTests : PortalComponentTest
{
    private readonly List<string> typed = [];

    private IRenderedComponent<MudBlazor.MudDialogProvider> Render(string? refusal, Func<Task<string?>>? passkey = null)
    {
        var parameters = new Dictionary<string, object?>
        {
            [nameof(StepUpDialog.Change)] = SensitiveChange.Roles,
            [nameof(StepUpDialog.Minutes)] = 5,
            [nameof(StepUpDialog.Confirm)] = (Func<string, Task<string?>>)(value => { typed.Add(value); return Task.FromResult(refusal); }),
        };
        if (passkey is not null) parameters[nameof(StepUpDialog.ConfirmWithPasskey)] = passkey;
        return OpenDialog<StepUpDialog>(parameters);
    }

    [Fact]
    public void A_wrong_answer_is_shown_by_the_field_and_the_field_is_emptied()
    {
        var dialog = Render("That is not your password or a current code. Try again.");
        Assert.Contains("Changing roles needs you to confirm it is you", dialog.Markup);
        Assert.Empty(dialog.FindAll("[data-testid=step-up-passkey]")); // no passkey, no button
        Assert.True(dialog.Find("[data-testid=step-up-confirm]").HasAttribute("disabled"));
        dialog.Find("[data-testid=step-up-secret]").Input("a wrong guess");
        dialog.Find("form").Submit();
        Assert.Equal(["a wrong guess"], typed);
        Assert.Contains("not your password", dialog.Markup);
        Assert.DoesNotContain("a wrong guess", dialog.Markup);
        Assert.NotNull(dialog.Find("[data-testid=step-up-dialog]"));
    }

    [Fact]
    public void A_person_with_a_passkey_can_use_it_and_a_refusal_is_announced()
    {
        var answers = new Queue<string?>(["That passkey was not accepted. Try again, or type your password.", null]);
        var dialog = Render(null, () => Task.FromResult(answers.Dequeue()));
        dialog.Find("[data-testid=step-up-passkey]").Click();
        var refusal = dialog.Find("[data-testid=step-up-passkey-error]");
        Assert.Equal("alert", refusal.GetAttribute("role"));
        Assert.Contains("not accepted", refusal.TextContent);
        dialog.Find("[data-testid=step-up-passkey]").Click();
        Assert.Empty(dialog.FindAll("[data-testid=step-up-dialog]")); // confirmed: closed
        Assert.Empty(typed);
    }
}
