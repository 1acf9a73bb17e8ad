using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// An HTTPS receiver on 127.0.0.1 (Kestrel, a throwaway self-signed certificate written as a PEM CA file) that checks
/// each POST's <c>X-Signature</c> against the key, the way a SIEM's webhook input would, and answers 500 while told to.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    public sealed record Delivery(byte[] Body, string? Signature, bool SignatureValid, int Answered);

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();
#pragma warning disable CA1051 // a flag the test flips while the receiver runs: volatile needs a field
    public volatile bool Failing;
#pragma warning restore CA1051
    public string CaFile { get; }
    /// <summary>The signing key the receiver checks, a fresh secret per receiver (tests search for it where it must not be).</summary>
    public string Key { get; }
    public string Endpoint { get; private set; } = "";

    private WebhookReceiver(string key, string caFile, X509Certificate2 certificate)
    {
        Key = key;
        CaFile = caFile;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        app = builder.Build();
        app.MapPost("/audit", async http =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            var bytes = body.ToArray();
            var signature = http.Request.Headers["X-Signature"].ToString();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), bytes));
            var valid = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(expected));
            var status = Failing ? 500 : valid ? 204 : 401;
            Deliveries.Enqueue(new Delivery(bytes, signature, valid, status));
            http.Response.StatusCode = status;
        });
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var key = "webhook-key-" + Guid.NewGuid().ToString("N");
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=webhook test", ec, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        var caFile = Path.Combine(Path.GetTempPath(), $"credentialportal-webhook-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(caFile, certificate.ExportCertificatePem());
        var receiver = new WebhookReceiver(key, caFile, certificate);
        await receiver.app.StartAsync();
        var address = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = address.TrimEnd('/') + "/audit";
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        File.Delete(CaFile);
    }
}
