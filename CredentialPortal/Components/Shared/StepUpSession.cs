using System.Globalization;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CredentialPortal.Components.Shared;

/// <summary>
/// One portal tab's step-up state (docs/design.md §6.9): when its person last signed in or confirmed. Pages call
/// <see cref="EnsureAsync"/> before a sensitive change; it answers at once within <see cref="StepUp.Window"/>, else it
/// asks with <see cref="StepUpDialog"/>. The domain's <see cref="StepUp"/> checks the answer.
/// </summary>
public sealed class StepUpSession(StepUp stepUp, AuthenticationStateProvider authentication, PortalActor actor, IDialogService dialogs)
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
        var parameters = new DialogParameters<StepUpDialog>
        {
            { d => d.Change, change },
            { d => d.Minutes, (int)Math.Ceiling(stepUp.Window.TotalMinutes) },
            {
                d => d.Confirm, async secret =>
                {
                    var result = await stepUp.ConfirmAsync(await actor.CurrentAsync(), change, secret);
                    if (!result.Succeeded) return result.Errors?.ByProperty.GetValueOrDefault("secret")?.FirstOrDefault() ?? result.Message ?? "Not confirmed.";
                    confirmedAt = result.Value;
                    return null;
                }
            },
        };
        var dialog = await dialogs.ShowAsync<StepUpDialog>("Confirm it is you", parameters,
            new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true, DefaultFocus = DefaultFocus.None });
        return await dialog.Result is { Canceled: false };
    }
}
