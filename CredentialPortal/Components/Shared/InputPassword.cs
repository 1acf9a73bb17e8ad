using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Rendering;

namespace CredentialPortal.Components.Shared;

/// <summary>
/// A password field for the server-rendered forms (sign-in, change password): it posts and binds like
/// <see cref="InputText"/>, but never writes the value back into the page, so a refused form does not send the typed
/// password back in the response (where caches, proxies and "view source" would keep it).
/// </summary>
public sealed class InputPassword : InputBase<string?>
{
    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenElement(0, "input");
        builder.AddMultipleAttributes(1, AdditionalAttributes);
        builder.AddAttribute(2, "type", "password");
        if (!string.IsNullOrEmpty(NameAttributeValue)) builder.AddAttribute(3, "name", NameAttributeValue);
        if (!string.IsNullOrEmpty(CssClass)) builder.AddAttribute(4, "class", CssClass);
        builder.AddAttribute(5, "onchange", EventCallback.Factory.CreateBinder<string?>(this, value => CurrentValueAsString = value, CurrentValueAsString));
        builder.CloseElement();
    }

    protected override bool TryParseValueFromString(string? value, out string? result, [NotNullWhen(false)] out string? validationErrorMessage)
    {
        result = value;
        validationErrorMessage = null;
        return true;
    }
}
