using System.Text.Json;
using CredentialPortal.Tests.Infrastructure.TestServers;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// Deque's axe-core (npm, pinned in TestServers/package.json) evaluated in a page: the WCAG 2.0/2.1 A and AA rules, and
/// every violation of serious or critical impact fails the test, named with the elements it was found on.
/// </summary>
public static class AxeCheck
{
    private static readonly Lazy<string> Source = new(() => File.ReadAllText(Path.Combine(NpmTools.Package("axe-core"), "axe.min.js")));

    /// <summary>The serious and critical violations on the page as it is now (e.g. "color-contrast: #id, .x").</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        // Evaluated through the DevTools protocol, which the portal's Content-Security-Policy (script-src 'self') does not govern.
        await page.EvaluateAsync(Source.Value);
        var json = await page.EvaluateAsync<string>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
              return JSON.stringify(result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', ')));
            }
            """);
        return JsonSerializer.Deserialize<string[]>(json) ?? [];
    }

    /// <summary>Fails with the list of serious and critical violations when there are any.</summary>
    public static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var violations = await SeriousViolationsAsync(page);
        Assert.True(violations.Count == 0, $"axe-core on {what} ({page.Url}):\n" + string.Join("\n", violations));
    }
}
