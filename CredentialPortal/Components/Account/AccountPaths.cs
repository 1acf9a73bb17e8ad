namespace CredentialPortal.Components.Account;

/// <summary>Account routes: part of the contract, people bookmark them.</summary>
public static class AccountPaths
{
    public const string Login = "/account/login";
    public const string Logout = "/account/logout";
    public const string AccessDenied = "/account/access-denied";
    public const string ChangePassword = "/account/manage/password";
    public const string LoginWithCode = "/account/login/code";
    public const string Security = "/account/security";
}
