using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.BearerToken;

// "hashes": measure PBKDF2-HMAC-SHA512 at the production iteration count, the bound of a user-password PATCH.
if (args.Contains("hashes"))
{
    var salt = RandomNumberGenerator.GetBytes(16);
    var watch = Stopwatch.StartNew();
    var count = 0;
    while (watch.Elapsed < TimeSpan.FromSeconds(3))
    {
        Rfc2898DeriveBytes.Pbkdf2("benchmark password"u8, salt, 210_000, HashAlgorithmName.SHA512, 32);
        count++;
    }
    Console.WriteLine($"{count / watch.Elapsed.TotalSeconds:F1}");
    return;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddAuthentication().AddBearerToken(BearerTokenDefaults.AuthenticationScheme);
builder.Services.AddAuthorization();
var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/healthz", () => "Healthy");

// A token for the load generator.
app.MapPost("/token", () => TypedResults.SignIn(
    new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "bench")], BearerTokenDefaults.AuthenticationScheme)),
    authenticationScheme: BearerTokenDefaults.AuthenticationScheme));

// The same shape as GET /storageTargets/11.
app.MapGet("/storageTargets/{id:int}", (int id) => TypedResults.Ok(new
{
    bucket = "bucket name", region = "region", objectLockEnabled = true, objectLockMode = "compliance",
    accessKeyId = "AKIAFLOOR00000000001", id, name = "Amazon S3", type = "amazon_s3",
})).RequireAuthorization();

app.Run();
