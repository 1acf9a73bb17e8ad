using Bunit;
using CredentialPortal.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace CredentialPortal.Tests.Components;

/// <summary>
/// The base of the portal's component tests, as MudBlazor's own tests are set up: MudBlazor's services, loose JS interop
/// (MudBlazor calls into its script for focus, popovers and scrolling, which bUnit has no browser for), and the
/// providers the layout renders, so a dialog opens the way a page opens it.
/// </summary>
public abstract class PortalComponentTest : BunitContext, IAsyncLifetime
{
    protected PortalComponentTest()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // MudBlazor registers services that only dispose asynchronously: xunit disposes the context this way first.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>Renders the dialog provider and opens <typeparamref name="TDialog"/> in it through the dialog service, with parameters by name.</summary>
    protected IRenderedComponent<MudDialogProvider> OpenDialog<TDialog>(IReadOnlyDictionary<string, object?> parameters)
        where TDialog : IComponent
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        provider.InvokeAsync(() => dialogs.OpenAsync<TDialog>("Dialog under test", parameters));
        return provider;
    }
}
