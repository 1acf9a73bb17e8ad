using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace CredentialPortal.Components.Layout;

/// <summary>
/// MudThemeProvider rendering the same two style blocks, but sharing their text between tabs. The theme's stylesheet
/// (≈ 12,000 characters of CSS variables) is built anew at each render, and the render tree of every open tab would
/// keep its own copy; the portal has one theme (<see cref="PortalTheme"/>) in two palettes, so the texts are few and
/// each is kept once for the process.
/// </summary>
public sealed class PortalThemeProvider : MudThemeProvider
{
    private const int MaxShared = 4; // light and dark, with room for a theme changed while the process runs
    private static readonly Lock Sharing = new();
    private static readonly List<string> Shared = [];

    protected override void BuildRenderTree(RenderTreeBuilder __builder)
    {
        if (!DefaultScrollbar)
        {
            __builder.AddContent(0, new MarkupString(Share(BuildMudBlazorScrollbar())));
        }
        __builder.AddContent(1, new MarkupString(Share(BuildTheme())));
    }

    private static string Share(string text)
    {
        lock (Sharing)
        {
            foreach (var known in Shared)
            {
                if (string.Equals(known, text, StringComparison.Ordinal)) return known;
            }
            if (Shared.Count < MaxShared) Shared.Add(text);
            return text;
        }
    }
}
