using Microsoft.AspNetCore.Components.Server.Circuits;

namespace CredentialPortal.Components.Account;

/// <summary>
/// When the person last did something in this browser tab's circuit (a click, a key, a navigation). An open tab that
/// nobody touches sends no HTTP requests, so the session cookie alone cannot tell that it sits idle.
/// </summary>
public sealed class CircuitActivity(TimeProvider clock) : CircuitHandler
{
    private long lastActivityTicks = clock.GetUtcNow().UtcTicks;

    public DateTimeOffset LastActivity => new(Interlocked.Read(ref lastActivityTicks), TimeSpan.Zero);

    public bool IsIdle(TimeSpan timeout) => clock.GetUtcNow() - LastActivity > timeout;

    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        context =>
        {
            Interlocked.Exchange(ref lastActivityTicks, clock.GetUtcNow().UtcTicks);
            return next(context);
        };
}
