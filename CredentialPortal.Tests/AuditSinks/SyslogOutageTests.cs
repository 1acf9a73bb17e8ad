using System.Globalization;
using System.Net;
using CredentialPortal.Data;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.AuditSinks;

/// <summary>
/// Nothing is lost when the receiver is down and the portal is killed: the real portal process (SIGKILL) and a real
/// rsyslogd, the TLS sink trusting the test CA through SSL_CERT_FILE (the system trust store's override).
/// </summary>
[Trait("Category", "Heavy"), Trait("Engine", "SqliteOnly")]
public sealed class SyslogOutageTests
{
    private const int Changes = 50;

    /// <summary>The receiver's stop and the portal's kill each broke connections: one repeated record per sink and break at most.</summary>
    private const int AllowedRepeats = 2;

    [Fact]
    public async Task Receiver_stopped_50_changes_portal_killed_both_restarted_every_record_arrives_in_order_none_repeated_beyond_one_per_break()
    {
        await using var rsyslog = await RsyslogReceiver.StartAsync();
        using var data = new TestDataDirectory(postgres: false);
        var settings = new Dictionary<string, string>
        {
            ["Audit:Sinks:0:Name"] = "siem-tcp", ["Audit:Sinks:0:Type"] = "syslog", ["Audit:Sinks:0:Endpoint"] = rsyslog.TcpEndpoint,
            ["Audit:Sinks:1:Name"] = "siem-tls", ["Audit:Sinks:1:Type"] = "syslog", ["Audit:Sinks:1:Endpoint"] = rsyslog.TlsEndpoint,
            ["SSL_CERT_FILE"] = rsyslog.CaFile,
        };

        await using (var portal = await PortalProcess.StartAsync(data, settings))
        {
            using var client = new HttpClient { BaseAddress = portal.Address };
            var admin = await ApiSession.SignInAsync(portal.Address, "admin", PortalAppFactory.AdminPassword);
            var before = Head(data);
            foreach (var name in new[] { "siem-tcp", "siem-tls" }) await SinkProgress.WaitForDeliveredAsync(client, name, before);

            await rsyslog.StopAsync();
            for (var i = 0; i < Changes; i++)
            {
                var response = await admin.PatchAsync("storageTargets/11", $$"""{ "secretAccessKey": "outage-secret-{{i}}" }""");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            var head = Head(data);
            Assert.True(head >= before + Changes, $"50 changes should have added at least 50 records ({before} → {head})");

            // Behind, reported, not fatal.
            await SinkProgress.WaitUntilAsync(() => SinkProgress.Sink(SinkProgress.HealthAsync(client).Result, "siem-tcp")["lastError"] is not null,
                "the tcp sink should report its failure");
            var tcp = SinkProgress.Sink(await SinkProgress.HealthAsync(client), "siem-tcp");
            Assert.True((long)tcp["backlog"]! >= Changes, tcp.ToJsonString());
            portal.Kill();
        }

        await rsyslog.StartAgainAsync();
        await using (var restarted = await PortalProcess.StartAsync(data, settings))
        {
            using var client = new HttpClient { BaseAddress = restarted.Address };
            var head = Head(data);
            foreach (var name in new[] { "siem-tcp", "siem-tls" }) await SinkProgress.WaitForDeliveredAsync(client, name, head, TimeSpan.FromSeconds(60));
            foreach (var input in new[] { "tcp", "tls" })
            {
                await SinkProgress.WaitUntilAsync(() => Sequences(rsyslog, input).LastOrDefault() >= head, $"{input}: rsyslog should have record {head}");
                var received = Sequences(rsyslog, input);
                var collapsed = received.Where((s, i) => i == 0 || received[i - 1] != s).ToList();
                Assert.Equal(Enumerable.Range(1, (int)head).Select(n => (long)n), collapsed);
                Assert.True(received.Count - collapsed.Count <= AllowedRepeats,
                    $"{input}: {received.Count - collapsed.Count} records arrived twice: {string.Join(",", received.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key))}");
            }
        }
    }

    private static List<long> Sequences(RsyslogReceiver rsyslog, string input) =>
        rsyslog.Messages(input).Select(l => long.Parse(SyslogLine.Parse(l).Element("audit@32473")["seq"], CultureInfo.InvariantCulture)).ToList();

    private static long Head(TestDataDirectory data)
    {
        var options = new DbContextOptionsBuilder<SqlitePortalDbContext>();
        DatabaseProvider.UseSqlite(options, DatabaseProvider.SqliteConnectionString(data.DatabasePath));
        using var db = new SqlitePortalDbContext(options.Options);
        return db.AuditRecords.Max(r => r.Sequence);
    }
}
