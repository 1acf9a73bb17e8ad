using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Verification;
using CredentialPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace CredentialPortal.Tests.Domain;

public class VerificationLockoutTests
{
    private static readonly Actor Guesser = new(777, "guesser", Door.API, "203.0.113.9") { Roles = [CredentialPortal.Domain.Access.PortalRoles.Integrator] };

    [Fact]
    public async Task Fifty_parallel_wrong_guesses_record_exactly_five_failures_then_refuse_without_checking()
    {
        using var host = new DomainHost();
        await host.Connectors.PatchAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "11", DomainHost.Patch("""{ "secretAccessKey": "the real one" }"""));

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            host.Connectors.VerifyAsync(Guesser, EntityCatalog.StorageTargets, "11", "secretAccessKey", $"guess {i}")));

        Assert.Equal(5, outcomes.Count(o => o.Value!.Result == VerificationResult.Failed));
        Assert.Equal(45, outcomes.Count(o => o.Value!.Result == VerificationResult.Refused));
        Assert.True(host.Lockout.IsLockedOut(Guesser.Key, out var until));
        Assert.True(until > DateTime.UtcNow.AddMinutes(14));

        // Locked out: even the right value is refused, unchecked.
        var right = await host.Connectors.VerifyAsync(Guesser, EntityCatalog.StorageTargets, "11", "secretAccessKey", "the real one");
        Assert.Equal(VerificationResult.Refused, right.Value!.Result);

        await using var db = host.CreateDbContext();
        var attempts = await db.VerificationAttempts.Where(a => a.ActorKey == Guesser.Key).ToListAsync();
        Assert.Equal(5, attempts.Count(a => a.Result == VerificationResult.Failed));
        Assert.DoesNotContain(attempts, a => a.Result == VerificationResult.Matched);
        Assert.All(attempts, a => Assert.Equal("203.0.113.9", a.ClientAddress));
        Assert.Equal(1, await db.ActorLockouts.CountAsync(l => l.ActorKey == Guesser.Key));
        Assert.Equal(1, await db.AuditRecords.CountAsync(r => r.Action == AuditActions.LockedOut && r.ActorName == "guesser"));
        // Another actor is not affected.
        Assert.True((await host.Connectors.VerifyAsync(DomainHost.Vault, EntityCatalog.StorageTargets, "11", "secretAccessKey", "the real one")).Value!.Matches);
    }

    [Fact]
    public async Task The_window_the_period_and_an_administrators_lift()
    {
        var clock = new ManualClock();
        using var host = new DomainHost(clock: clock);
        await host.People.SetPasswordAsync(DomainHost.Vault, 16, "new plain password");
        Task<VerificationResult> Guess(string value) =>
            host.People.VerifyAsync(Guesser, 16, value).ContinueWith(t => t.Result.Value!.Result);

        // Four failures, then the window passes: they no longer count.
        for (var i = 0; i < 4; i++) Assert.Equal(VerificationResult.Failed, await Guess("wrong"));
        clock.Advance(TimeSpan.FromMinutes(16));
        for (var i = 0; i < 4; i++) Assert.Equal(VerificationResult.Failed, await Guess("wrong"));
        Assert.False(host.Lockout.IsLockedOut(Guesser.Key, out _));
        Assert.Equal(VerificationResult.Matched, await Guess("new plain password"));

        // The fifth failure within the window locks for the period.
        Assert.Equal(VerificationResult.Failed, await Guess("wrong"));
        Assert.True(host.Lockout.IsLockedOut(Guesser.Key, out _));
        clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(VerificationResult.Refused, await Guess("new plain password"));
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(VerificationResult.Matched, await Guess("new plain password"));

        // Locked again; an administrator sees and lifts it; the slate is clean afterwards.
        for (var i = 0; i < 5; i++) await Guess("wrong");
        var active = Assert.Single(await host.Lockout.ListActiveAsync());
        Assert.Equal("guesser", active.ActorName);
        var admin = DomainHost.Admin;
        Assert.True((await host.Lockout.LiftAsync(admin, active.Id)).Value);
        Assert.False((await host.Lockout.LiftAsync(admin, active.Id)).Value);
        Assert.Equal(VerificationResult.Failed, await Guess("wrong"));
        Assert.False(host.Lockout.IsLockedOut(Guesser.Key, out _));
    }

    [Fact]
    public async Task A_lockout_survives_a_restart()
    {
        using var data = new TestDataDirectory();
        using (var first = new DomainHost(data))
        {
            for (var i = 0; i < 5; i++) await first.People.VerifyAsync(Guesser, 16, "wrong");
            Assert.True(first.Lockout.IsLockedOut(Guesser.Key, out _));
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using var second = new DomainHost(data);
        Assert.True(second.Lockout.IsLockedOut(Guesser.Key, out _));
    }
}
