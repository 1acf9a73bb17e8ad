using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>Signs in over plain HTTP the way a browser without script would: GET the form, POST it back.</summary>
public static class PortalForms
{
    public static Task<HttpResponseMessage> SubmitLoginAsync(HttpClient client, string loginName, string password, string path = "/account/login") =>
        SubmitAsync(client, path, new() { ["Input.LoginName"] = loginName, ["Input.Password"] = password });

    /// <summary>GETs the page, keeps the form's hidden fields (antiforgery, handler), fills the given ones and POSTs it.</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string path, Dictionary<string, string> values)
    {
        var page = await client.GetStringAsync(path);
        var form = new HtmlParser().ParseDocument(page).QuerySelector("form") as IHtmlFormElement
            ?? throw new InvalidOperationException($"{path} has no form.");
        var fields = form.Elements.OfType<IHtmlInputElement>()
            .Where(i => i.Type == "hidden")
            .ToDictionary(i => i.Name!, i => i.Value);
        foreach (var (name, value) in values) fields[name] = value;
        return await client.PostAsync(path, new FormUrlEncodedContent(fields));
    }

    public static async Task<HttpClient> SignedInClientAsync(PortalAppFactory factory, string loginName, string password)
    {
        var client = factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var response = await SubmitLoginAsync(client, loginName, password);
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in as {loginName} failed: {(int)response.StatusCode}");
        }
        return client;
    }
}
