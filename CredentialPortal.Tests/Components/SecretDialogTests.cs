using Bunit;
using CredentialPortal.Components.Shared;
using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Components;

public class SecretDialogTests : PortalComponentTest
{
    private readonly List<string> submitted = [];

    private IRenderedComponent<MudBlazor.MudDialogProvider> RenderDialog(IReadOnlyList<string>? refusal = null, bool withPolicy = true, Func<Task<string>>? thenTest = null)
    {
        var parameters = new Dictionary<string, object?>
        {
            [nameof(SecretDialog.Label)] = "New password",
            [nameof(SecretDialog.Generate)] = (Func<string>)(() => "Generated-Value-For-Test-42!xyz"),
            [nameof(SecretDialog.Submit)] = (Func<string, Task<IReadOnlyList<string>>>)(value => { submitted.Add(value); return Task.FromResult(refusal ?? []); }),
        };
        if (withPolicy)
        {
            parameters[nameof(SecretDialog.Check)] = (Func<string, IReadOnlyList<PolicyViolation>>)(value => PasswordPolicy.Check(new SecuritySettings(), value, "gabor.toth", PasswordHolder.PersonWithoutSecondFactor));
            parameters[nameof(SecretDialog.Strength)] = (Func<string, int>)(value => PasswordPolicy.StrengthScore(value, "gabor.toth"));
        }
        if (thenTest is not null) parameters[nameof(SecretDialog.ThenTest)] = thenTest;
        return OpenDialog<SecretDialog>(parameters);
    }

    [Fact]
    public void Policy_feedback_is_live_and_saving_waits_for_a_valid_confirmed_value()
    {
        var dialog = RenderDialog();
        dialog.Find("[data-testid=secret-new]").Input("gabor.toth");
        var rules = dialog.FindAll("[data-testid=policy-violations] li").Select(li => li.GetAttribute("data-code") ?? "").ToArray();
        Assert.Equal([PasswordPolicy.TooShort, PasswordPolicy.ContainsLoginName], rules);
        Assert.True(dialog.Find("[data-testid=secret-save]").HasAttribute("disabled"));

        dialog.Find("[data-testid=secret-new]").Input("a long enough pass phrase");
        Assert.NotNull(dialog.Find("[data-testid=policy-ok]"));
        dialog.Find("[data-testid=secret-confirm]").Input("a long enough pass phrasX");
        Assert.NotNull(dialog.Find("[data-testid=secret-mismatch]"));
        Assert.True(dialog.Find("[data-testid=secret-save]").HasAttribute("disabled"));

        dialog.Find("[data-testid=secret-confirm]").Input("a long enough pass phrase");
        dialog.Find("form").Submit();
        Assert.Equal(["a long enough pass phrase"], submitted);
        Assert.NotNull(dialog.Find("[data-testid=secret-saved]"));
        Assert.Empty(dialog.FindAll("[data-testid=one-time-secret]")); // typed by a person: nothing to reveal
    }

    [Theory]
    [InlineData(PasswordHolder.PersonWithoutSecondFactor, 15)]
    [InlineData(PasswordHolder.PersonWithSecondFactor, 12)]
    [InlineData(PasswordHolder.MachineUser, 12)]
    public void A_password_dialog_states_and_checks_the_minimum_length_of_the_account_it_is_for(PasswordHolder holder, int minimum)
    {
        var parameters = SecretDialog.ForPassword(new SecuritySettings(), "gabor.toth", holder, value => Task.FromResult<IReadOnlyList<string>>([]));
        var dialog = OpenDialog<SecretDialog>(parameters);
        Assert.StartsWith($"At least {minimum} characters", dialog.Find("[data-testid=password-requirement]").TextContent);

        dialog.Find("[data-testid=secret-new]").Input("thirteen char"); // 13 characters
        if (minimum > 13)
        {
            var refused = dialog.Find("[data-testid=policy-violations] li[data-code=too_short]").TextContent;
            Assert.Contains($"at least {minimum} characters", refused);
        }
        else
        {
            Assert.NotNull(dialog.Find("[data-testid=policy-ok]"));
        }
        dialog.Find("[data-testid=secret-new]").Input("new plain password"); // the source document's example, 18
        Assert.NotNull(dialog.Find("[data-testid=policy-ok]"));
    }

    [Fact]
    public void A_generated_value_is_shown_once_after_saving()
    {
        var dialog = RenderDialog(withPolicy: false);
        dialog.Find("[data-testid=secret-generate]").Click();
        Assert.Equal("password", dialog.Find("[data-testid=secret-new]").GetAttribute("type")); // hidden until asked
        dialog.Find("form").Submit();
        Assert.Equal(["Generated-Value-For-Test-42!xyz"], submitted);
        // Masked until asked; Close waits for "I have stored it"; Escape cannot lose it either.
        Assert.DoesNotContain("Generated-Value-For-Test-42!xyz", dialog.Find("[data-testid=one-time-secret-value]").TextContent);
        Assert.Contains("cannot be shown again", dialog.Markup);
        Assert.True(dialog.Find("[data-testid=secret-close]").HasAttribute("disabled"));
        dialog.Find("[data-testid=reveal-secret]").Click();
        Assert.Equal("Generated-Value-For-Test-42!xyz", dialog.Find("[data-testid=one-time-secret-value]").TextContent);
        dialog.Find("[data-testid=secret-stored]").Change(true);
        Assert.False(dialog.Find("[data-testid=secret-close]").HasAttribute("disabled"));
        dialog.Find("[data-testid=secret-close]").Click();
        Assert.Empty(dialog.FindAll("[data-testid=secret-dialog]"));
        Assert.DoesNotContain("Generated-Value-For-Test-42!xyz", dialog.Markup);
    }

    [Fact]
    public void A_refusal_is_shown_and_the_input_is_kept()
    {
        var dialog = RenderDialog(refusal: ["Do not reuse any of your last 5 passwords."]);
        dialog.Find("[data-testid=secret-new]").Input("an older pass phrase");
        dialog.Find("[data-testid=secret-confirm]").Input("an older pass phrase");
        dialog.Find("form").Submit();
        Assert.Contains("last 5 passwords", dialog.Find("[data-testid=secret-errors]").TextContent);
        Assert.Equal("an older pass phrase", dialog.Find("[data-testid=secret-new]").GetAttribute("value"));
        Assert.Empty(dialog.FindAll("[data-testid=secret-saved]"));
    }

    [Fact]
    public void Rotate_then_test_runs_the_connection_test_after_a_saved_value_and_shows_its_sentence()
    {
        var tests = 0;
        var dialog = RenderDialog(withPolicy: false, thenTest: () => { tests++; return Task.FromResult("Connection test: ok. Read the bucket."); });
        Assert.True(dialog.Find("[data-testid=secret-then-test]").HasAttribute("checked") || dialog.Find("[data-testid=secret-then-test]").GetAttribute("aria-checked") == "true");
        dialog.Find("[data-testid=secret-generate]").Click();
        dialog.Find("form").Submit();

        Assert.Equal(1, tests);
        dialog.WaitForAssertion(() => Assert.Equal("Connection test: ok. Read the bucket.", dialog.Find("[data-testid=secret-test-result]").TextContent));
    }

    [Fact]
    public void Rotate_then_test_unticked_saves_and_tests_nothing()
    {
        var tests = 0;
        var dialog = RenderDialog(withPolicy: false, thenTest: () => { tests++; return Task.FromResult("tested"); });
        dialog.Find("[data-testid=secret-then-test]").Change(false);
        dialog.Find("[data-testid=secret-generate]").Click();
        dialog.Find("form").Submit();
        Assert.Single(submitted);
        Assert.Equal(0, tests);
        Assert.Empty(dialog.FindAll("[data-testid=secret-test-result]"));
    }

    [Fact]
    public void A_reset_for_someone_else_is_temporary_unless_unticked()
    {
        var choices = new List<bool>();
        IRenderedComponent<MudBlazor.MudDialogProvider> Open() => OpenDialog<SecretDialog>(new Dictionary<string, object?>
        {
            [nameof(SecretDialog.Label)] = "New password",
            [nameof(SecretDialog.Generate)] = (Func<string>)(() => "Generated-Value-For-Test-42!xyz"),
            [nameof(SecretDialog.SubmitTemporary)] = (Func<string, bool, Task<IReadOnlyList<string>>>)((value, temporary) =>
            {
                choices.Add(temporary);
                return Task.FromResult<IReadOnlyList<string>>([]);
            }),
        });
        var ticked = Open();
        Assert.True(ticked.Find("[data-testid=secret-temporary]").HasAttribute("checked"));
        ticked.Find("[data-testid=secret-generate]").Click();
        ticked.Find("form").Submit();

        var unticked = Open();
        unticked.FindAll("[data-testid=secret-temporary]")[^1].Change(false);
        unticked.FindAll("[data-testid=secret-generate]")[^1].Click();
        unticked.FindAll("form")[^1].Submit();
        Assert.Equal([true, false], choices);
    }
}
