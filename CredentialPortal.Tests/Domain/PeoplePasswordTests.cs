using System.Buffers.Binary;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Users;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Domain;

public class PeoplePasswordTests
{
    /// <summary>Identity V3 hash layout: 0x01, PRF (4 bytes), iteration count (4 bytes), salt length, salt, subkey.</summary>
    private static (int Prf, int Iterations) ReadHashHeader(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        Assert.Equal(0x01, bytes[0]);
        return ((int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(1)), (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(5)));
    }

    [Fact]
    public void The_production_setting_hashes_with_PBKDF2_HMAC_SHA512_at_210000_iterations()
    {
        // No iteration override: the product's own default, through the app's real configuration.
        using var host = new DomainHost(settings: new Dictionary<string, string?> { ["Portal:PasswordHashIterations"] = null, ["Portal:SeedDemo"] = "false" });
        var hasher = host.Services.GetRequiredService<IPasswordHasher<PortalUser>>();
        var (prf, iterations) = ReadHashHeader(hasher.HashPassword(new PortalUser(), "new plain password"));
        Assert.Equal(2, prf); // KeyDerivationPrf.HMACSHA512
        Assert.Equal(210_000, iterations);
        Assert.True(iterations >= PortalOptions.ProductionPasswordHashIterations);
    }

    [Fact]
    public async Task An_older_hash_is_upgraded_at_the_next_successful_sign_in()
    {
        using var data = new TestDataDirectory();
        using (var weak = new DomainHost(data))
        {
            await weak.People.SetPasswordAsync(DomainHost.Vault, 16, "new plain password");
        }
        using var strong = new DomainHost(data, new Dictionary<string, string?> { ["Portal:PasswordHashIterations"] = "2000" });
        using var scope = strong.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await users.FindByIdAsync("16"))!;
        Assert.Equal(1000, ReadHashHeader(user.PasswordHash!).Iterations);

        Assert.True(await users.CheckPasswordAsync(user, "new plain password"));

        var reloaded = (await strong.People.GetAsync(16))!;
        await using var db = strong.CreateDbContext();
        Assert.Equal(2000, ReadHashHeader(db.Users.Single(u => u.Id == 16).PasswordHash!).Iterations);
        Assert.Equal("local", reloaded.Source);
    }

    [Fact]
    public async Task Password_rules_history_and_directory_users()
    {
        using var host = new DomainHost();
        var people = host.People;

        // The documented example (docs/requirements.md §3.1) is accepted for user 16; the login name is never modifiable.
        Assert.Equal(DomainStatus.Ok, (await people.SetPasswordAsync(DomainHost.Vault, 16, "new plain password")).Status);
        var rename = await people.PatchAsync(DomainHost.Vault, 16, DomainHost.Patch("""{ "loginName": "gabor.new", "displayName": "G. Tóth" }"""));
        Assert.Equal(DomainStatus.Invalid, rename.Status);
        Assert.Equal(["loginName"], rename.Errors!.ByProperty.Keys);
        Assert.Equal("Gábor Tóth", (await people.GetAsync(16))!.DisplayName); // all or nothing

        // Every broken rule comes back at once, with codes.
        var bad = await people.SetPasswordAsync(DomainHost.Vault, 16, "gabor.toth1");
        Assert.Equal(DomainStatus.Invalid, bad.Status);
        Assert.Equal(["password.too_short", "password.contains_login_name"], bad.Errors!.Codes);

        // History: none of the last 5.
        Assert.Contains("password.reused", (await people.SetPasswordAsync(DomainHost.Vault, 16, "new plain password")).Errors!.Codes);
        foreach (var i in Enumerable.Range(1, 5))
        {
            Assert.Equal(DomainStatus.Ok, (await people.SetPasswordAsync(DomainHost.Vault, 16, $"rotation number {i} of five")).Status);
        }
        Assert.Contains("password.reused", (await people.SetPasswordAsync(DomainHost.Vault, 16, "rotation number 2 of five")).Errors!.Codes);
        Assert.Equal(DomainStatus.Ok, (await people.SetPasswordAsync(DomainHost.Vault, 16, "new plain password")).Status); // 6 back: allowed again

        await using (var db = host.CreateDbContext())
        {
            Assert.DoesNotContain(db.PasswordHistory.Select(h => h.PasswordHash), h => h.Contains("plain"));
            Assert.Equal(7, db.PasswordHistory.Count(h => h.UserId == 16));
        }

        // An AD-synchronised user's password cannot be set, with a clear reason.
        var directory = await people.SetPasswordAsync(DomainHost.Vault, 17, "a perfectly fine password");
        Assert.Equal(DomainStatus.Invalid, directory.Status);
        Assert.Contains("Active Directory", directory.Errors!.ByProperty["password"][0]);

        // Public fields: validated, audited.
        var email = await people.PatchAsync(DomainHost.Vault, 16, DomainHost.Patch("""{ "email": "not-an-address" }"""));
        Assert.Equal(["email"], email.Errors!.ByProperty.Keys);
        var ok = await people.PatchAsync(DomainHost.Vault, 16, DomainHost.Patch("""{ "email": "gabor@example.org", "displayName": "Gábor T." }"""));
        Assert.Equal("gabor@example.org", ok.Value!.Email);
    }

    [Fact]
    public async Task A_password_reset_clears_a_login_lockout_and_changes_the_security_stamp()
    {
        using var host = new DomainHost();
        using var scope = host.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await users.FindByIdAsync("15"))!;
        for (var i = 0; i < 5; i++) await users.AccessFailedAsync(user);
        Assert.True(await users.IsLockedOutAsync(user));
        Assert.True((await host.People.GetAsync(15))!.LoginLockedOut);
        var stamp = user.SecurityStamp;

        Assert.Equal(DomainStatus.Ok, (await host.People.SetPasswordAsync(DomainHost.Vault, 15, "a brand new passphrase")).Status);

        await using var db = host.CreateDbContext();
        var after = db.Users.Single(u => u.Id == 15);
        Assert.Null(after.LockoutEnd);
        Assert.Equal(0, after.AccessFailedCount);
        Assert.NotEqual(stamp, after.SecurityStamp);
        Assert.False((await host.People.GetAsync(15))!.LoginLockedOut);
    }

    [Fact]
    public async Task Identity_account_creation_applies_the_same_policy()
    {
        using var host = new DomainHost();
        using var scope = host.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var result = await users.CreateAsync(new PortalUser { UserName = "newcomer", DisplayName = "New" }, "short");
        Assert.Contains(result.Errors, e => e.Code == PasswordPolicy.TooShort);
    }
}
