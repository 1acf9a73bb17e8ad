using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.Cli;

/// <summary>
/// A real signed export from the portal, checked by the real unify binary offline: intact, and each way of
/// tampering with it (changed, removed, reordered lines, a forged signature, a file re-chained and re-signed with
/// another key) exits 5 naming the first broken sequence.
/// </summary>
public sealed class AuditVerifyTests : IClassFixture<AuditVerifyTests.Export>
{
    public sealed class Export : IAsyncLifetime
    {
        public PortalAppFactory Portal { get; } = new();
        public string Directory { get; } = System.IO.Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "unify-audit-tests", Guid.NewGuid().ToString("N"))).FullName;
        public string[] Lines { get; private set; } = [];
        public string PublicKey { get; private set; } = "";
        public UnifyProcess Unify => new(Path.Combine(Directory, "config"));

        public async Task InitializeAsync()
        {
            var admin = await ApiSession.SignInAsync(Portal, "admin", PortalAppFactory.AdminPassword);
            for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync("storageTargets/11", $$"""{ "secretAccessKey": "export-test-{{i}}" }""")).StatusCode);
            var auditor = await ApiSession.SignInAsync(Portal, "auditor", PortalAppFactory.DemoPassword);
            var export = await auditor.GetAsync("audit/export?format=jsonl");
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            Assert.StartsWith("application/x-ndjson", export.Content.Headers.ContentType!.ToString());
            var text = await export.Content.ReadAsStringAsync();
            Assert.EndsWith("\n", text);
            Lines = text[..^1].Split('\n');
            PublicKey = (string)(await ApiSession.JsonAsync(await auditor.GetAsync("audit/signing-key")))["publicKey"]!;
        }

        public Task DisposeAsync()
        {
            Portal.Dispose();
            try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
            return Task.CompletedTask;
        }

        public string Write(IEnumerable<string> lines)
        {
            var path = Path.Combine(Directory, Guid.NewGuid().ToString("N") + ".jsonl");
            File.WriteAllText(path, string.Concat(lines.Select(l => l + "\n")), new UTF8Encoding(false));
            return path;
        }
    }

    private readonly Export export;

    public AuditVerifyTests(Export export) => this.export = export;

    private static long Seq(string line) => (long)JsonNode.Parse(line)!["seq"]!;

    private async Task AssertBrokenAtAsync(string path, long seq, params string[] extra)
    {
        var run = await export.Unify.RunAsync(["audit", "verify", path, .. extra]);
        Assert.True(run.ExitCode == 5, $"exit {run.ExitCode}: {run.Output} {run.Error}");
        Assert.Single(run.ErrorLines);
        Assert.StartsWith($"unify: broken at seq {seq}:", run.ErrorLines[0]);
    }

    [Fact]
    public async Task The_export_as_served_verifies_with_and_without_the_portals_key_and_names_it()
    {
        Assert.True(export.Lines.Length > 10);
        Assert.Equal(Enumerable.Range(1, export.Lines.Length - 1).Select(n => (long)n), export.Lines[..^1].Select(Seq));
        var signature = JsonNode.Parse(export.Lines[^1])!["signature"]!;
        Assert.Equal("ES256", (string?)signature["alg"]);
        Assert.Equal(export.PublicKey, (string?)signature["publicKey"]);
        Assert.Equal(export.Lines.Length - 1, (long)signature["lastSeq"]!);

        var path = export.Write(export.Lines);
        var run = await export.Unify.RunAsync("audit", "verify", path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains(export.PublicKey, run.Output);
        var keyFile = Path.Combine(export.Directory, "signing-key.txt");
        await File.WriteAllTextAsync(keyFile, export.PublicKey + "\n");
        Assert.Equal(0, (await export.Unify.RunAsync("audit", "verify", path, "--public-key", export.PublicKey)).ExitCode);
        Assert.Equal(0, (await export.Unify.RunAsync("audit", "verify", path, "--public-key", keyFile)).ExitCode);
    }

    [Fact]
    public async Task A_changed_line_is_named()
    {
        var lines = export.Lines.ToArray();
        var target = 5;
        lines[target - 1] = lines[target - 1].Replace("\"actor\":\"", "\"actor\":\"x", StringComparison.Ordinal);
        Assert.NotEqual(export.Lines[target - 1], lines[target - 1]);
        await AssertBrokenAtAsync(export.Write(lines), target);
    }

    [Fact]
    public async Task A_removed_line_is_named()
    {
        var lines = export.Lines.Where((_, i) => i != 6).ToArray(); // record 7
        await AssertBrokenAtAsync(export.Write(lines), 7);
    }

    [Fact]
    public async Task A_reordered_pair_is_named()
    {
        var lines = export.Lines.ToArray();
        (lines[3], lines[4]) = (lines[4], lines[3]); // records 4 and 5
        await AssertBrokenAtAsync(export.Write(lines), 4);
    }

    [Fact]
    public async Task A_forged_signature_is_refused()
    {
        var lines = export.Lines.ToArray();
        var signature = JsonNode.Parse(lines[^1])!;
        signature["signature"]!["value"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        lines[^1] = signature.ToJsonString();
        await AssertBrokenAtAsync(export.Write(lines), 1);
    }

    [Fact]
    public async Task A_file_rechained_and_resigned_with_another_key_passes_alone_but_not_under_the_portals_key()
    {
        // Record 3 rewritten, every later hash recomputed, and the whole signed again with a key of the forger's.
        var records = export.Lines[..^1].Select(AuditExportFormat.ReadRecordLine).ToList();
        records[2].ActorName = "someone-else";
        for (var i = 2; i < records.Count; i++)
        {
            records[i].PreviousHash = records[i - 1].Hash;
            records[i].Hash = AuditHash.Compute(records[i]);
        }
        var lines = records.Select(AuditExportFormat.RecordLine).ToList();
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = Encoding.UTF8.GetBytes(string.Concat(lines.Select(l => l + "\n")));
        lines.Add(AuditExportFormat.SignatureLine(1, records[^1].Sequence, records[^1].Hash, signed, forger));
        var path = export.Write(lines);

        Assert.Equal(0, (await export.Unify.RunAsync("audit", "verify", path)).ExitCode); // consistent in itself
        await AssertBrokenAtAsync(path, 1, "--public-key", export.PublicKey);
    }

    [Fact]
    public async Task Settings_show_the_public_key_and_the_audit_page_offers_the_signed_export_beside_csv()
    {
        using var admin = await PortalForms.SignedInClientAsync(export.Portal, "admin", PortalAppFactory.AdminPassword);
        Assert.Contains(export.PublicKey, WebUtility.HtmlDecode(await admin.GetStringAsync("/settings")));
        using var auditor = await PortalForms.SignedInClientAsync(export.Portal, "auditor", PortalAppFactory.DemoPassword);
        var audit = await auditor.GetStringAsync("/audit");
        Assert.Contains("data-testid=\"export-csv\"", audit);
        Assert.Contains("data-testid=\"export-jsonl\"", audit);
    }

    [Fact]
    public async Task Only_auditors_and_administrators_export_and_a_bad_range_is_a_problem_document()
    {
        var helpdesk = await ApiSession.SignInAsync(export.Portal, "helpdesk", PortalAppFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.GetAsync("audit/export?format=jsonl")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.GetAsync("audit/signing-key")).StatusCode);
        var admin = await ApiSession.SignInAsync(export.Portal, "admin", PortalAppFactory.AdminPassword);
        var bad = await admin.GetAsync("audit/export?format=jsonl&from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("from must be", (string?)(await ApiSession.JsonAsync(bad))["detail"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("audit/export?format=xml")).StatusCode);

        // A range: whole days, and its own first record is named by the signature.
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var ranged = await (await admin.GetAsync($"audit/export?format=jsonl&from={today}")).Content.ReadAsStringAsync();
        var path = export.Write(ranged[..^1].Split('\n'));
        Assert.Equal(0, (await export.Unify.RunAsync("audit", "verify", path, "--public-key", export.PublicKey)).ExitCode);
    }
}
