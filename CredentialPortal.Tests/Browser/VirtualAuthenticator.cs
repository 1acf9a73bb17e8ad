using System.Text.Json;
using Microsoft.Playwright;

namespace CredentialPortal.Tests.Browser;

/// <summary>
/// Chromium's own virtual authenticator (CDP WebAuthn: CTAP2, internal transport, resident keys, user verification)
/// standing in for a laptop's, attached to one page. Pages using it are reached as <c>localhost</c>: WebAuthn refuses an
/// IP address as the relying party.
/// </summary>
public sealed record VirtualAuthenticator(ICDPSession Session, string Id)
{
    public static async Task<VirtualAuthenticator> AddAsync(IPage page)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        await session.SendAsync("WebAuthn.enable", new() { ["enableUI"] = false });
        var added = await session.SendAsync("WebAuthn.addVirtualAuthenticator", new()
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return new(session, added!.Value.GetProperty("authenticatorId").GetString()!);
    }

    public async Task<JsonElement[]> CredentialsAsync() =>
        (await Session.SendAsync("WebAuthn.getCredentials", new() { ["authenticatorId"] = Id }))!.Value.GetProperty("credentials").EnumerateArray().ToArray();

    /// <summary>The authenticator's next answers carry a signature that does not verify.</summary>
    public Task ForgeSignaturesAsync(bool forge) =>
        Session.SendAsync("WebAuthn.setResponseOverrideBits", new() { ["authenticatorId"] = Id, ["isBogusSignature"] = forge });
}
