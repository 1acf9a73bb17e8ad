// Portal figures for bench/run.sh:
//   dotnet CircuitProbe.dll BASE_URL LOGIN PASSWORD PORTAL_PID [CIRCUITS]
// prints one line: "render_p50_ms render_p95_ms interactive_p50_ms rss_before_mb rss_after_mb per_circuit_kb rows
//                    heap_before_mb heap_after_mb heap_per_circuit_kb"
//   render       server time of GET /users (the prerendered first page, signed in), over 30 requests after a warm-up of
//                200 (enough for .NET's tiered JIT to reach its optimised code, as on a server that has run a while)
//   interactive  navigation to /users until the grid's rows are on screen in Chromium, over 5 tabs
//   rss          the portal process's resident memory before and after opening CIRCUITS idle tabs on /users
//   heap         the portal's live managed objects (every generation, large and pinned objects included: what a full
//                blocking GC kept) at the same two moments: what the idle circuits hold, without the free space the GC
//                keeps committed after the warm-up tabs have gone, which the resident figure counts or not by chance
// Each memory reading follows a full GC the probe asks of the portal through EventPipe (as dotnet-gcdump does) and
// 5 s for the heap to settle. Before the first, CIRCUITS + 25 tabs are opened and closed, so the code the JIT
// compiles for a circuit (tier-1 and the JSON serializers' emitted accessors) is in place before the count starts.
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Playwright;

var baseUrl = new Uri(args[0]);
var (login, password, pid) = (args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
var circuits = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 40;

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

// Memory per idle circuit: warm up, settle, open CIRCUITS tabs that sit idle, settle again.
for (var i = 0; i < circuits + 25; i++) await (await OpenUsersAsync()).Context.CloseAsync();
await Task.Delay(TimeSpan.FromSeconds(10)); // closed tabs' circuits go
var (before, heapBefore) = await SettledMemoryAsync(pid);
var tabs = new List<IPage>();
for (var i = 0; i < circuits; i++) tabs.Add(await OpenUsersAsync());
await Task.Delay(TimeSpan.FromSeconds(5));
var (after, heapAfter) = await SettledMemoryAsync(pid);

Console.WriteLine(string.Join(' ',
    Median(renders).ToString("F1", CultureInfo.InvariantCulture),
    Percentile(renders, 0.95).ToString("F1", CultureInfo.InvariantCulture),
    Median(interactive).ToString("F0", CultureInfo.InvariantCulture),
    before.ToString("F1", CultureInfo.InvariantCulture),
    after.ToString("F1", CultureInfo.InvariantCulture),
    ((after - before) * 1024 / circuits).ToString("F0", CultureInfo.InvariantCulture),
    rows.ToString(CultureInfo.InvariantCulture),
    heapBefore.ToString("F1", CultureInfo.InvariantCulture),
    heapAfter.ToString("F1", CultureInfo.InvariantCulture),
    ((heapAfter - heapBefore) * 1024 / circuits).ToString("F0", CultureInfo.InvariantCulture)));
foreach (var tab in tabs) await tab.Context.CloseAsync();
return 0;

// A full GC in the portal, then its resident memory and its managed heap after that GC, in MB.
static async Task<(double Resident, double Heap)> SettledMemoryAsync(int pid)
{
    var heap = await HeapAfterFullGcAsync(pid) / 1024.0 / 1024.0;
    await Task.Delay(TimeSpan.FromSeconds(5));
    return (ResidentMegabytes(pid), heap);
}

// Enabling the runtime's GCHeapCollect keyword makes the portal run a full blocking GC; its GCHeapStats event gives the
// bytes that GC kept in each generation (its promoted sizes: the live objects, not the generations' free space).
static async Task<long> HeapAfterFullGcAsync(int pid)
{
    var client = new DiagnosticsClient(pid);
    var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
    using var session = client.StartEventPipeSession(
        [new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, keywords)], requestRundown: false);
    using var source = new EventPipeEventSource(session.EventStream);
    var induced = false;
    var heap = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
    source.Clr.GCStart += e => induced |= e.Reason is Microsoft.Diagnostics.Tracing.Parsers.Clr.GCReason.Induced && e.Depth == 2;
    source.Clr.GCHeapStats += e =>
    {
        if (induced) heap.TrySetResult(e.TotalPromotedSize0 + e.TotalPromotedSize1 + e.TotalPromotedSize2 + e.TotalPromotedSize3 + e.TotalPromotedSize4);
    };
    var processing = Task.Run(source.Process);
    var size = await heap.Task.WaitAsync(TimeSpan.FromSeconds(60));
    await session.StopAsync(CancellationToken.None);
    await processing;
    return size;
}

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
