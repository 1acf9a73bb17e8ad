using Microsoft.AspNetCore.Components;

namespace CredentialPortal.Components.Account;

/// <summary>Redirects from static account pages, refusing anything that would leave the site.</summary>
internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public void RedirectTo(string? uri)
    {
        navigationManager.NavigateTo(LocalOrRoot(uri, navigationManager));
    }

    public static string LocalOrRoot(string? uri, NavigationManager navigation)
    {
        uri ??= "";
        if (Uri.IsWellFormedUriString(uri, UriKind.Absolute))
        {
            // Absolute only when it is on this site; then make it relative to the base.
            return uri.StartsWith(navigation.BaseUri, StringComparison.OrdinalIgnoreCase)
                ? navigation.ToBaseRelativePath(uri)
                : "";
        }
        if (!Uri.IsWellFormedUriString(uri, UriKind.Relative) || uri.StartsWith("//", StringComparison.Ordinal) || uri.StartsWith("/\\", StringComparison.Ordinal))
        {
            return "";
        }
        return uri;
    }
}
