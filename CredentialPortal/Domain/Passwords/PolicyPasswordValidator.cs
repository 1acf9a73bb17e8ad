using CredentialPortal.Domain.Settings;
using CredentialPortal.Domain.Users;
using Microsoft.AspNetCore.Identity;

namespace CredentialPortal.Domain.Passwords;

/// <summary>
/// Lets Identity (account creation) apply <see cref="PasswordPolicy"/>, so the portal has one password rule, with the
/// account's own minimum length (a new person has no second factor yet).
/// </summary>
public sealed class PolicyPasswordValidator(SecuritySettingsStore settings, PeopleCredentials people) : IPasswordValidator<PortalUser>
{
    public async Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user, string? password)
    {
        var violations = PasswordPolicy.Check(await settings.GetAsync(), password ?? "", user.UserName, await people.PasswordHolderAsync(user));
        return violations.Count == 0
            ? IdentityResult.Success
            : IdentityResult.Failed(violations.Select(v => new IdentityError { Code = v.Code, Description = v.Message }).ToArray());
    }
}
