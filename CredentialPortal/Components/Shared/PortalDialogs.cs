using MudBlazor;

namespace CredentialPortal.Components.Shared;

/// <summary>
/// The portal's dialogs, opened one way everywhere: a confirmation before any destructive action, the secret dialog
/// (set, rotate, reset) and the verify dialog. Pages ask these instead of building dialogs of their own.
/// </summary>
public static class PortalDialogs
{
    private static readonly DialogOptions Standard = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true };

    // The secret and verify dialogs focus their first field themselves (AutoFocus): the focus trap must not take it back.
    private static readonly DialogOptions OwnFocus = Standard with { DefaultFocus = DefaultFocus.None };

    /// <summary>Asks <paramref name="question"/>; true only when the person chose <paramref name="confirmText"/>.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string question, string confirmText,
        bool destructive = false, string? consequence = null)
    {
        var parameters = new DialogParameters<ConfirmDialog>
        {
            { d => d.Question, question },
            { d => d.Consequence, consequence },
            { d => d.ConfirmText, confirmText },
            { d => d.Destructive, destructive },
        };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters, Standard with { MaxWidth = MaxWidth.ExtraSmall });
        var result = await dialog.Result;
        return result is { Canceled: false };
    }

    /// <summary>Opens the secret dialog with these parameters (see <see cref="SecretDialog.ForPassword"/>); true when a value was saved.</summary>
    public static Task<bool> OpenSecretAsync(this IDialogService dialogs, string title, IReadOnlyDictionary<string, object?> parameters) =>
        OpenAsync<SecretDialog>(dialogs, title, parameters, OwnFocus);

    /// <summary>Opens the verify dialog (<see cref="VerifyDialog"/>'s parameters by name).</summary>
    public static Task<bool> OpenVerifyAsync(this IDialogService dialogs, string title, IReadOnlyDictionary<string, object?> parameters) =>
        OpenAsync<VerifyDialog>(dialogs, title, parameters, OwnFocus);

    /// <summary>Opens any of the portal's dialog components with parameters by name; true unless it was cancelled.</summary>
    public static Task<bool> OpenAsync<TDialog>(this IDialogService dialogs, string title, IReadOnlyDictionary<string, object?> parameters)
        where TDialog : Microsoft.AspNetCore.Components.IComponent =>
        OpenAsync<TDialog>(dialogs, title, parameters, Standard);

    private static async Task<bool> OpenAsync<TDialog>(IDialogService dialogs, string title, IReadOnlyDictionary<string, object?> parameters, DialogOptions options)
        where TDialog : Microsoft.AspNetCore.Components.IComponent
    {
        var bag = new DialogParameters();
        foreach (var (name, value) in parameters) bag.Add(name, value);
        var dialog = await dialogs.ShowAsync<TDialog>(title, bag, options);
        var result = await dialog.Result;
        return result is { Canceled: false };
    }
}
