using System.IO.Compression;

namespace CredentialPortal.Api;

/// <summary>
/// The API reference page (<c>/api-reference</c>): Scalar's renderer (the script embedded in Scalar.AspNetCore, served
/// from this origin, no CDN) over <c>/openapi/v1.json</c>. Scalar.AspNetCore's own page configures the renderer with an
/// inline script, which the portal's Content-Security-Policy refuses; so the page here loads the renderer and its
/// configuration as two scripts of this origin, and the policy stays as it is. "Try it" sends requests to this origin.
/// </summary>
public static class ApiReferencePage
{
    public const string Path = "/api-reference";

    private static readonly Lazy<byte[]> Renderer = new(() =>
    {
        using var resource = typeof(Scalar.AspNetCore.ScalarOptions).Assembly.GetManifestResourceStream("ScalarStaticAssets.scalar.js")
            ?? throw new InvalidOperationException("Scalar.AspNetCore no longer embeds ScalarStaticAssets.scalar.js.");
        using var buffer = new MemoryStream();
        resource.CopyTo(buffer);
        var bytes = buffer.ToArray();
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b) return bytes;
        // Embedded gzip-compressed: inflate once.
        using var inflated = new MemoryStream();
        using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress)) gzip.CopyTo(inflated);
        return inflated.ToArray();
    });

    private const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>CredentialPortal REST API v1 – reference</title>
        </head>
        <body>
          <div id="reference" data-document="{DOCUMENT}"></div>
          <script src="{PATH}/scalar.js"></script>
          <script src="{PATH}/api-reference.js"></script>
        </body>
        </html>
        """;

    // No fonts from Scalar's servers (font-src 'self'), no proxy: "try it" calls this origin directly.
    private const string Configuration = """
        (function () {
          var host = document.getElementById('reference');
          Scalar.createApiReference(host, {
            url: host.dataset.document,
            withDefaultFonts: false,
            hideClientButton: false,
            servers: [{ url: window.location.origin, description: 'This portal' }],
            authentication: { preferredSecurityScheme: 'bearer' },
          });
        })();
        """;

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder endpoints)
    {
        var page = endpoints.MapGroup(Path).AllowAnonymous().ExcludeFromDescription();
        page.MapGet("", () => TypedResults.Text(Html.Replace("{PATH}", Path).Replace("{DOCUMENT}", OpenApiDocumentation.DocumentPath), "text/html; charset=utf-8"));
        page.MapGet("/scalar.js", (HttpContext http) =>
        {
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return TypedResults.Bytes(Renderer.Value, "text/javascript; charset=utf-8");
        });
        page.MapGet("/api-reference.js", () => TypedResults.Text(Configuration, "text/javascript; charset=utf-8"));
        return endpoints;
    }
}
