using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace CredentialPortal.Domain.Audit.Sinks;

/// <summary>A receiver of audit records (a SIEM's syslog port, a webhook): one connection, one record at a time.</summary>
public abstract class AuditSink(string name) : IAsyncDisposable
{
    public string Name { get; } = name;

    /// <summary>Does a successful <see cref="SendAsync"/> mean the receiver has the record (an HTTP 2xx)? Syslog has no acknowledgement.</summary>
    public abstract bool AcknowledgesEachRecord { get; }

    /// <summary>Is the connection still open, so that everything written before reached the receiver?</summary>
    public abstract bool IsConnected { get; }

    public abstract Task SendAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>Drops the connection (after an error, or when it broke); the next send opens a new one.</summary>
    public abstract ValueTask CloseAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return CloseAsync();
    }

    public static AuditSink Create(AuditSinkOptions options, string name) => options.Kind switch
    {
        AuditSinkKind.Syslog => new SyslogSink(options, name),
        AuditSinkKind.Webhook => new WebhookSink(options, name),
        _ => throw new ArgumentException($"Unknown audit sink type '{options.Type}'.", nameof(options)),
    };

    internal static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Server certificate check: against <paramref name="caFile"/> alone when one is configured (a private CA), else
    /// the platform's verdict (the system trust store; OpenSSL on Linux honours SSL_CERT_FILE and SSL_CERT_DIR).
    /// </summary>
    internal static bool ValidateServerCertificate(string? caFile, X509Certificate? certificate, X509Chain? platformChain, SslPolicyErrors errors)
    {
        if (string.IsNullOrEmpty(caFile)) return errors == SslPolicyErrors.None;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.ImportFromPemFile(caFile);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (platformChain is not null)
        {
            foreach (var element in platformChain.ChainElements.Skip(1)) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}

/// <summary>
/// Syslog over TCP (<c>tcp://</c>, RFC 6587 octet counting) or TLS (<c>tls://</c>, RFC 5425). A receiver never writes
/// back on this connection, so a socket that turns readable means the receiver closed it.
/// </summary>
public sealed class SyslogSink(AuditSinkOptions options, string name) : AuditSink(name)
{
    private readonly Uri endpoint = new(options.Endpoint!);
    private readonly string hostName = System.Net.Dns.GetHostName();
    private TcpClient? client;
    private Stream? stream;

    public override bool AcknowledgesEachRecord => false;

    public override bool IsConnected
    {
        get
        {
            if (client?.Client is not { Connected: true } socket) return false;
            try
            {
                // Readable with nothing to read: the peer's FIN; readable with bytes: a TLS alert or close_notify.
                return !socket.Poll(0, SelectMode.SelectRead);
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }

    public override async Task SendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var message = options.Cef
            ? SyslogMessage.Cef(record, hostName, Environment.ProcessId)
            : SyslogMessage.Rfc5424(record, options.SdId, hostName, Environment.ProcessId);
        await WriteAsync(SyslogMessage.Frame(message), cancellationToken);
    }

    /// <summary>A test message on its own connection, so the delivery's connection and order are untouched.</summary>
    public static async Task SendTestAsync(AuditSinkOptions options, string name, AuditRecord record, CancellationToken cancellationToken)
    {
        await using var sink = new SyslogSink(options, name);
        await sink.SendAsync(record, cancellationToken);
        await Task.Delay(200, cancellationToken); // a receiver that refuses the message (TLS, framing) hangs up at once
        if (!sink.IsConnected) throw new IOException($"{sink.endpoint.Host}:{sink.endpoint.Port} closed the connection after the test message.");
    }

    private async Task WriteAsync(byte[] frame, CancellationToken cancellationToken)
    {
        if (stream is null) await ConnectAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        await stream!.WriteAsync(frame, timeout.Token);
        await stream.FlushAsync(timeout.Token);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
            Stream connected = tcp.GetStream();
            if (endpoint.Scheme == "tls")
            {
                var tls = new SslStream(connected, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = endpoint.Host,
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidateServerCertificate(options.CaFile, certificate, chain, errors),
                }, timeout.Token);
                connected = tls;
            }
            client = tcp;
            stream = connected;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public override async ValueTask CloseAsync()
    {
        if (stream is not null) await stream.DisposeAsync();
        client?.Dispose();
        stream = null;
        client = null;
    }
}

/// <summary>
/// An HTTPS webhook: one POST per record, JSON body, <c>X-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>
/// with the configured key. A 2xx answer is the receiver's acknowledgement; anything else is retried.
/// </summary>
public sealed class WebhookSink : AuditSink
{
    private readonly AuditSinkOptions options;
    private readonly HttpClient http;

    public WebhookSink(AuditSinkOptions options, string name) : base(name)
    {
        this.options = options;
        var handler = new SocketsHttpHandler { ConnectTimeout = ConnectTimeout, AllowAutoRedirect = false };
        if (!string.IsNullOrEmpty(options.CaFile))
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ValidateServerCertificate(options.CaFile, certificate, chain, errors);
        }
        http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public override bool AcknowledgesEachRecord => true;
    public override bool IsConnected => true;

    public static byte[] Body(AuditRecord r) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        seq = r.Sequence, prev = r.PreviousHash, hash = r.Hash,
        occurredAt = DateTime.SpecifyKind(r.OccurredAt, DateTimeKind.Utc), actor = r.ActorName, actorId = r.ActorId, door = r.Door.ToString(),
        action = r.Action, entityType = r.EntityType, entityId = r.EntityId, properties = r.Properties, changes = r.Changes,
        outcome = r.Outcome, client = r.ClientAddress, correlationId = r.CorrelationId,
    });

    public static string Signature(byte[] body, string key) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));

    public override async Task SendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var body = Body(record);
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Signature", Signature(body, options.Key!));
        request.Headers.Add("X-Audit-Sequence", record.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The webhook answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }
    }

    public override ValueTask CloseAsync() => ValueTask.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        http.Dispose();
        return base.DisposeAsync();
    }
}
