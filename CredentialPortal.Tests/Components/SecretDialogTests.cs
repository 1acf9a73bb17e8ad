using Bunit;
using CredentialPortal.Components.Shared;
using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Settings;
using Microsoft.Extensions.DependencyInjection;
using Radzen;

namespace CredentialPortal.Tests.Components;

public class SecretDialogTests : BunitContext
{
    private readonly List<string> submitted = [];

    public SecretDialogTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddRadzenComponents();
    }

    private IRenderedComponent<SecretDialog> RenderDialog(IReadOnlyList<string>? refusal = null, bool withPolicy = true) =>
        Render<SecretDialog>(p =>
        {
            p.Add(x => x.Label, "New password");
            p.Add(x => x.Generate, () => "Generated-Value-For-Test-42!xyz");
            p.Add(x => x.Submit, value => { submitted.Add(value); return Task.FromResult(refusal ?? []); });
            if (withPolicy)
            {
                p.Add(x => x.Check, value => PasswordPolicy.Check(new SecuritySettings(), value, "gabor.toth"));
                p.Add(x => x.Strength, value => PasswordPolicy.StrengthScore(value, "gabor.toth"));
            }
        });

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

    [Fact]
    public void A_generated_value_is_shown_once_after_saving()
    {
        var dialog = RenderDialog(withPolicy: false);
        dialog.Find("[data-testid=secret-generate]").Click();
        Assert.Equal("password", dialog.Find("[data-testid=secret-new]").GetAttribute("type")); // hidden until asked
        dialog.Find("form").Submit();
        Assert.Equal(["Generated-Value-For-Test-42!xyz"], submitted);
        Assert.Equal("Generated-Value-For-Test-42!xyz", dialog.Find("[data-testid=one-time-secret-value]").TextContent);
        Assert.Contains("cannot be shown again", dialog.Markup);
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
        var dialog = Render<SecretDialog>(p =>
        {
            p.Add(x => x.Label, "New secret access key");
            p.Add(x => x.Generate, () => "Generated-Value-For-Test-42!xyz");
            p.Add(x => x.Submit, value => { submitted.Add(value); return Task.FromResult<IReadOnlyList<string>>([]); });
            p.Add(x => x.ThenTest, () => { tests++; return Task.FromResult("Connection test: ok. Read the bucket."); });
        });
        Assert.True(dialog.Find("[data-testid=secret-then-test]").HasAttribute("checked") || dialog.Find("[data-testid=secret-then-test]").GetAttribute("value") == "True");
        dialog.Find("[data-testid=secret-generate]").Click();
        dialog.Find("form").Submit();

        Assert.Equal(1, tests);
        Assert.Equal("Connection test: ok. Read the bucket.", dialog.Find("[data-testid=secret-test-result]").TextContent);

        // Unticked, the value is saved and nothing is tested.
        var untested = Render<SecretDialog>(p =>
        {
            p.Add(x => x.Label, "New secret access key");
            p.Add(x => x.Generate, () => "Generated-Value-For-Test-42!xyz");
            p.Add(x => x.Submit, value => { submitted.Add(value); return Task.FromResult<IReadOnlyList<string>>([]); });
            p.Add(x => x.ThenTest, () => { tests++; return Task.FromResult("tested"); });
        });
        untested.Find("[data-testid=secret-then-test]").Change(false);
        untested.Find("[data-testid=secret-generate]").Click();
        untested.Find("form").Submit();
        Assert.Equal(1, tests);
        Assert.Empty(untested.FindAll("[data-testid=secret-test-result]"));
    }
}
