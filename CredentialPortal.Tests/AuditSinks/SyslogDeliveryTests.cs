using System.Globalization;
using System.Net;
using System.Text;
using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Audit.Sinks;
using CredentialPortal.Tests.Api;
using CredentialPortal.Tests.Infrastructure;

namespace CredentialPortal.Tests.AuditSinks;

/// <summary>
/// The portal delivers its audit records to a real rsyslogd (Debian's, started by the test on loopback ports): over
/// TCP and TLS as RFC 5424 with the structured data, and as CEF.
/// </summary>
[Trait("Category", "Heavy")]
public sealed class SyslogDeliveryTests
{
    [Fact]
    public async Task Every_record_reaches_rsyslog_over_tcp_and_tls_in_order_as_rfc5424_with_its_structured_data_and_no_secret()
    {
        await using var rsyslog = await RsyslogReceiver.StartAsync();
        var planted = "planted-" + Guid.NewGuid().ToString("N");
        using var factory = new PortalAppFactory(overrides: new SinkSettings()
            .Syslog("siem-tcp", rsyslog.TcpEndpoint)
            .Syslog("siem-tls", rsyslog.TlsEndpoint, ("CaFile", rsyslog.CaFile))
            .Syslog("siem-cef", rsyslog.CefEndpoint, ("Format", "cef"))
            // No CaFile, and the system trust store does not know the test CA: the certificate is refused.
            .Syslog("siem-untrusted", rsyslog.TlsEndpoint));
        var admin = await ApiSession.SignInAsync(factory, "admin", PortalAppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsync("storageTargets/11", $$"""{ "secretAccessKey": "{{planted}}" }""")).StatusCode);
        var second = await admin.PatchAsync("importSources/3", $$"""{ "refreshToken": "{{planted}}-2", "clientId": "client-\\\"q]" }""");
        Assert.True(second.StatusCode == HttpStatusCode.OK, await second.Content.ReadAsStringAsync());
        var verify = await admin.PostAsync("storageTargets/11/password/verify", $$"""{ "property": "secretAccessKey", "value": "{{planted}}-wrong" }""");
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);

        var head = await SinkProgress.HeadAsync(factory.Services);
        var records = await SinkProgress.RecordsAsync(factory.Services);
        var client = factory.CreateClient();
        foreach (var name in new[] { "siem-tcp", "siem-tls", "siem-cef" })
        {
            var state = await SinkProgress.WaitForDeliveredAsync(client, name, head);
            Assert.Null((string?)state["lastError"]);
        }

        foreach (var input in new[] { "tcp", "tls" })
        {
            await SinkProgress.WaitUntilAsync(() => rsyslog.Messages(input).Count >= head, $"rsyslog {input}.log should hold {head} messages");
            var lines = rsyslog.Messages(input).Select(SyslogLine.Parse).ToList();
            Assert.Equal(records.Select(r => r.Sequence), lines.Select(l => long.Parse(l.Element("audit@32473")["seq"], CultureInfo.InvariantCulture)));
            for (var i = 0; i < records.Count; i++)
            {
                var (record, line) = (records[i], lines[i]);
                var sd = line.Element("audit@32473");
                Assert.Equal(110, line.Priority); // facility 13 (log audit), informational
                Assert.Equal("CredentialPortal", line.AppName);
                Assert.Equal(record.Action, line.MsgId);
                Assert.Equal(record.Hash, sd["hash"]);
                Assert.Equal(record.PreviousHash, sd["prev"]);
                Assert.Equal(record.ActorName, sd["actor"]);
                Assert.Equal(record.Door.ToString(), sd["door"]);
                Assert.Equal(record.Action, sd["action"]);
                Assert.Equal(record.EntityType ?? "", sd["entityType"]);
                Assert.Equal(record.EntityId ?? "", sd["entityId"]);
                Assert.Equal(record.Properties ?? "", sd["properties"]);
                Assert.Equal(record.Outcome ?? "", sd["outcome"]);
                Assert.Equal(record.ClientAddress ?? "", sd["client"]);
            }
            // rsyslog's own RFC 5424 parser reads the same APP-NAME, MSGID and structured data.
            var parsed = rsyslog.Parsed(input);
            Assert.Equal(records.Select(r => $"CredentialPortal|{r.Action}|[audit@32473 seq=\"{r.Sequence}\""), parsed.Select(p => p[..p.IndexOf("\" hash=", StringComparison.Ordinal)] + "\""));
        }
        Assert.Contains(records, r => r.Action == AuditActions.Verification);

        await SinkProgress.WaitUntilAsync(() => rsyslog.Messages("cef").Count >= head, $"rsyslog cef.log should hold {head} messages");
        var cef = rsyslog.Messages("cef");
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Contains($" - CEF:0|CredentialPortal|CredentialPortal|1|{records[i].Action}|{records[i].Action}|3|", cef[i]);
            Assert.Contains($" cs1Label=seq cs1={records[i].Sequence} cs2Label=hash cs2={records[i].Hash} ", cef[i]);
        }

        var untrusted = SinkProgress.Sink(await SinkProgress.HealthAsync(client), "siem-untrusted");
        Assert.Equal(0, (long)untrusted["lastDeliveredSeq"]!);
        Assert.Equal(head, (long)untrusted["backlog"]!);
        Assert.Contains("Authentication", (string?)untrusted["lastError"] ?? "(none)");

        Assert.DoesNotContain(planted, Encoding.UTF8.GetString(rsyslog.AllBytes()));
    }

    [Fact]
    public async Task Structured_data_values_with_quotes_backslashes_and_brackets_arrive_escaped_and_read_back_whole()
    {
        await using var rsyslog = await RsyslogReceiver.StartAsync();
        var record = new AuditRecord
        {
            Sequence = 7, OccurredAt = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc), ActorName = "eve \"the\" ]admin[ \\ ünïcode",
            Door = Door.API, Action = "update", EntityType = "storageTargets", EntityId = "a]b\"c\\d", Properties = "host,port",
            Changes = """{"host":{"old":"a\nb","new":"]"}}""", PreviousHash = new string('1', 64), Hash = new string('2', 64),
        };
        await using (var sink = new SyslogSink(new AuditSinkOptions { Type = "syslog", Endpoint = rsyslog.TcpEndpoint, SdId = "portal@99999" }, "t"))
        {
            await sink.SendAsync(record, CancellationToken.None);
        }
        await SinkProgress.WaitUntilAsync(() => rsyslog.Messages("tcp").Count >= 1, "rsyslog should have the message");
        var line = SyslogLine.Parse(rsyslog.Messages("tcp")[0]);
        var sd = line.Element("portal@99999");
        Assert.Equal(record.ActorName, sd["actor"]);
        Assert.Equal(record.EntityId, sd["entityId"]);
        Assert.Equal("7", sd["seq"]);
        Assert.StartsWith("CredentialPortal|update|[portal@99999 ", rsyslog.Parsed("tcp")[0]);
    }
}
