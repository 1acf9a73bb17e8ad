using MudBlazor;

namespace CredentialPortal.Components.Layout;

/// <summary>
/// The portal's one look: colours for the light and the dark palette, the system font stack (no web font is fetched:
/// the Content-Security-Policy allows this origin only) and the layout sizes. Every page takes its colours from here.
/// </summary>
public static class PortalTheme
{
    /// <summary>The cookie that remembers a person's light or dark choice (read when the page is prerendered, so no flash).</summary>
    public const string DarkModeCookie = "portal-theme";

    private static readonly string[] FontStack = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        // Contrast: every text colour here meets WCAG AA (4.5:1) against its background in both palettes.
        PaletteLight = new PaletteLight
        {
            Primary = "#2f4a8a",
            Secondary = "#5b4b8a",
            Tertiary = "#1f6f6b",
            Info = "#1565c0",
            Success = "#1b6e20",
            Warning = "#8a5300",
            Error = "#b3261e",
            AppbarBackground = "#2f4a8a",
            Background = "#f5f7fb",
            TextSecondary = "#4f5b6a",
            DrawerBackground = "#ffffff",
            DrawerText = "#1f2733",
            DrawerIcon = "#2f4a8a",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9db4f0",
            Secondary = "#c3b5f0",
            Tertiary = "#7fd3cc",
            Info = "#90caf9",
            Success = "#81c784",
            Warning = "#ffb74d",
            Error = "#f28b82",
            AppbarBackground = "#1b2233",
            Background = "#12161f",
            Surface = "#1b2130",
            DrawerBackground = "#161b27",
            TextPrimary = "#e7eaf0",
            TextSecondary = "#b8c0cc",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontStack },
            H1 = new H1Typography { FontFamily = FontStack, FontSize = "1.6rem", FontWeight = "500", LineHeight = "1.3" },
            H2 = new H2Typography { FontFamily = FontStack, FontSize = "1.15rem", FontWeight = "500", LineHeight = "1.4" },
            H3 = new H3Typography { FontFamily = FontStack, FontSize = "1rem", FontWeight = "500", LineHeight = "1.4" },
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "240px", DefaultBorderRadius = "6px" },
    };
}
