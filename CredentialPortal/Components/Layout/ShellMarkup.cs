using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;

namespace CredentialPortal.Components.Layout;

/// <summary>
/// The shell's static pieces as the markup MudBlazor's components render for them (MudIcon's SVG, MudLink's and
/// MudButton's classes), written out. Every open tab shows the shell, and a component keeps the frames of its last two
/// renders, its parameter states and handlers for as long as the tab stays open: markup needs
/// none of them, and each string here is built once for the process, not once per tab.
/// </summary>
public static class ShellMarkup
{
    private static readonly ConcurrentDictionary<(string Icon, string Class), MarkupString> Icons = new();

    /// <summary>The <c>&lt;svg&gt;</c> a MudIcon renders for <paramref name="icon"/> (a MudBlazor icon's inner SVG), with <paramref name="cssClass"/>.</summary>
    public static MarkupString Icon(string icon, string cssClass = "mud-icon-root mud-svg-icon mud-icon-size-medium") =>
        Icons.GetOrAdd((icon, cssClass), static key =>
            new MarkupString($"<svg class=\"{key.Class}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\">{key.Icon}</svg>"));

    /// <summary>A MudIconButton's classes (Color.Inherit), with Edge.Start when <paramref name="edgeStart"/>.</summary>
    public static string IconButtonClass(bool edgeStart = false) => edgeStart ? IconButtonEdgeStart : IconButtonPlain;

    private const string IconButtonPlain = "mud-button-root mud-icon-button mud-inherit-text hover:mud-inherit-hover mud-ripple mud-ripple-icon";
    private const string IconButtonEdgeStart = IconButtonPlain + " mud-icon-button-edge-start";
}
