using System.Globalization;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.TwoFactor;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.JSInterop;
using MudBlazor;

namespace CredentialPortal.Components.Shared;

/// <summary>
/// One portal tab's step-up state (docs/design.md §6.9): when its person last signed in or confirmed. Pages call
/// <see cref="EnsureAsync"/> before a sensitive change; it answers at once within <see cref="StepUp.Window"/>, else it
/// asks with <see cref="StepUpDialog"/>. The domain's <see cref="StepUp"/> checks the answer.
/// </summary>
public sealed class StepUpSession(StepUp stepUp, AuthenticationStateProvider authentication, PortalActor actor, IDialogService dialogs,
    Passkeys passkeys, AntiforgeryStateProvider antiforgery, IJSRuntime js)
{
    private DateTimeOffset? confirmedAt;
    private bool signInRead;

    /// <summary>True when the person may go ahead with <paramref name="change"/>: confirmed recently, or just now.</summary>
    public async Task<bool> EnsureAsync(SensitiveChange change)
    {
        if (!signInRead)
        {
            signInRead = true;
            var claim = (await authentication.GetAuthenticationStateAsync()).User.FindFirst(StepUp.SignInTimeClaim)?.Value;
            if (long.TryParse(claim, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) confirmedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        if (stepUp.IsFresh(confirmedAt)) return true;
        var person = await actor.CurrentAsync();
        var hasPasskey = person.UserId is { } id && await passkeys.AnyAsync(id);
        var parameters = new DialogParameters<StepUpDialog>
        {
            { d => d.Change, change },
            { d => d.Minutes, (int)Math.Ceiling(stepUp.Window.TotalMinutes) },
            {
                d => d.Confirm, async secret =>
                {
                    var result = await stepUp.ConfirmAsync(person, change, secret);
                    if (!result.Succeeded) return result.Errors?.ByProperty.GetValueOrDefault("secret")?.FirstOrDefault() ?? result.Message ?? "Not confirmed.";
                    confirmedAt = result.Value;
                    return null;
                }
            },
        };
        if (hasPasskey) parameters.Add(d => d.ConfirmWithPasskey, () => ConfirmWithPasskeyAsync(person, change));
        var dialog = await dialogs.ShowAsync<StepUpDialog>("Confirm it is you", parameters,
            new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true, DefaultFocus = DefaultFocus.None });
        return await dialog.Result is { Canceled: false };
    }

    /// <summary>
    /// The passkey path: the ceremony runs over HTTP beside the circuit (it needs the browser's cookies, see
    /// Components/Account/PasskeyEndpoints.cs) and hands back a receipt, which only the domain can read. Null on success.
    /// </summary>
    private async Task<string?> ConfirmWithPasskeyAsync(Actor person, SensitiveChange change)
    {
        PasskeyAnswer answer;
        try
        {
            answer = await js.InvokeAsync<PasskeyAnswer>("credentialPortal.passkeys.stepUp", antiforgery.GetAntiforgeryToken()?.Value ?? "", change.ToString());
        }
        catch (JSException)
        {
            return "This browser could not use a passkey here. Type your password or a code instead.";
        }
        if (answer.Error is not null) return answer.Error;
        if (stepUp.RedeemPasskeyReceipt(person, change, answer.Receipt) is not { } at) return "The passkey confirmation did not arrive in time. Try again.";
        confirmedAt = at;
        return null;
    }

    private sealed record PasskeyAnswer(string? Receipt, string? Error);
}
