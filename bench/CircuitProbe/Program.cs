// Portal figures for bench/run.sh:
//   dotnet CircuitProbe.dll BASE_URL LOGIN PASSWORD PORTAL_PID [CIRCUITS]
// prints one line: "render_p50_ms render_p95_ms interactive_p50_ms rss_before_mb rss_after_mb per_circuit_kb rows"
//   render       server time of GET /users (the prerendered first page, signed in), over 30 requests after a warm-up of
//                200 (enough for .NET's tiered JIT to reach its optimised code, as on a server that has run a while)
//   interactive  navigation to /users until the grid's rows are on screen in Chromium, over 5 tabs
//   rss          the portal process's resident memory before and after opening CIRCUITS idle tabs on /users
using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

var baseUrl = new Uri(args[0]);
var (login, password, pid) = (args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
var circuits = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 20;

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new()
{
    ExecutablePath = "/usr/bin/chromium",
    Headless = true,
    Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// Sign in once; every tab reuses the session cookie.
var signIn = await browser.NewContextAsync(new() { BaseURL = baseUrl.ToString() });
var page = await signIn.NewPageAsync();
await page.GotoAsync("/account/login");
await page.GetByLabel("User name").FillAsync(login);
await page.GetByLabel("Password").FillAsync(password);
await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
var state = await signIn.StorageStateAsync();
var cookie = string.Join("; ", (await signIn.CookiesAsync()).Select(c => $"{c.Name}={c.Value}"));
await signIn.CloseAsync();

// Server time of the prerendered /users page.
using var http = new HttpClient { BaseAddress = baseUrl };
http.DefaultRequestHeaders.Add("Cookie", cookie);
var rows = 0;
for (var i = 0; i < 200; i++) await http.GetStringAsync("/users");
var renders = new List<double>();
for (var i = 0; i < 30; i++)
{
    var watch = Stopwatch.StartNew();
    var html = await http.GetStringAsync("/users");
    renders.Add(watch.Elapsed.TotalMilliseconds);
    rows = html.Split("data-testid=\"user-link\"").Length - 1;
}

// In the browser: navigation to rows on screen (prerender + circuit + first interactive render).
async Task<IPage> OpenUsersAsync()
{
    var context = await browser.NewContextAsync(new() { BaseURL = baseUrl.ToString(), StorageState = state });
    var tab = await context.NewPageAsync();
    await tab.GotoAsync("/users");
    await tab.Locator("main[data-interactive=true]").WaitForAsync();
    await tab.GetByTestId("user-link").First.WaitForAsync();
    return tab;
}
var interactive = new List<double>();
for (var i = 0; i < 5; i++)
{
    var watch = Stopwatch.StartNew();
    var tab = await OpenUsersAsync();
    interactive.Add(watch.Elapsed.TotalMilliseconds);
    await tab.Context.CloseAsync();
}

// Memory per idle circuit: resident memory settles, CIRCUITS tabs open and sit idle, it settles again.
await Task.Delay(TimeSpan.FromSeconds(10)); // closed tabs' circuits go; the GC catches up
var before = ResidentMegabytes(pid);
var tabs = new List<IPage>();
for (var i = 0; i < circuits; i++) tabs.Add(await OpenUsersAsync());
await Task.Delay(TimeSpan.FromSeconds(10));
var after = ResidentMegabytes(pid);

Console.WriteLine(string.Join(' ',
    Median(renders).ToString("F1", CultureInfo.InvariantCulture),
    Percentile(renders, 0.95).ToString("F1", CultureInfo.InvariantCulture),
    Median(interactive).ToString("F0", CultureInfo.InvariantCulture),
    before.ToString("F1", CultureInfo.InvariantCulture),
    after.ToString("F1", CultureInfo.InvariantCulture),
    ((after - before) * 1024 / circuits).ToString("F0", CultureInfo.InvariantCulture),
    rows.ToString(CultureInfo.InvariantCulture)));
foreach (var tab in tabs) await tab.Context.CloseAsync();
return 0;

static double ResidentMegabytes(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
    return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
}
