using System.Text.Json.Nodes;
using Bunit;
using CredentialPortal.Components.Connectors;
using CredentialPortal.Domain;
using CredentialPortal.Domain.Catalog;
using CredentialPortal.Domain.Connectors;
using FluentValidation;
using Microsoft.Extensions.DependencyInjection;

namespace CredentialPortal.Tests.Components;

public class EntityFormTests : PortalComponentTest
{
    // The form validates each field with the type's own validator, as the domain registers them.
    public EntityFormTests() => Services.AddValidatorsFromAssembly(typeof(EntityCatalog).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);

    public static TheoryData<string, string> AllTypes()
    {
        var data = new TheoryData<string, string>();
        foreach (var type in EntityCatalog.Resources.SelectMany(r => r.Types)) data.Add(type.Resource.Name, type.Name);
        return data;
    }

    private static EntitySnapshot Snapshot(EntityTypeDescriptor type, Action<CredentialEntity>? fill = null)
    {
        var entity = (CredentialEntity)Activator.CreateInstance(type.ClrType)!;
        fill?.Invoke(entity);
        return new EntitySnapshot(type, entity.Key, 3,
            type.Properties.Select(p => KeyValuePair.Create(p, p.GetValue(entity))).ToList(),
            type.Secrets.Select(s => new SecretState(s, null)).ToList());
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void The_form_of_each_type_offers_exactly_its_updatable_fields_and_never_a_secret(string resource, string typeName)
    {
        var type = EntityCatalog.FindResource(resource)!.FindType(typeName)!;
        var form = Render<EntityForm>(p => p.Add(x => x.Entity, Snapshot(type)).Add(x => x.CanEdit, true));
        Assert.Equal(typeName, form.Find("[data-testid=entity-form]").GetAttribute("data-type"));
        Assert.Empty(form.FindAll("input, select")); // view mode

        form.Find("[data-testid=entity-edit]").Click();

        var inputs = form.FindAll("[data-testid^=input-]").Select(e => e.GetAttribute("data-testid")![6..]).Order().ToArray();
        Assert.Equal(type.Properties.Where(p => p.Updatable).Select(p => p.Name).Order().ToArray(), inputs);
        foreach (var readOnly in type.Properties.Where(p => !p.Updatable))
        {
            Assert.NotNull(form.Find($"[data-testid=value-{readOnly.Name}]"));
        }
        foreach (var secret in type.Secrets)
        {
            Assert.Empty(form.FindAll($"[data-property={secret.Name}]"));
        }
    }

    [Fact]
    public void Saving_sends_only_the_changed_fields_as_typed_json_and_shows_the_domains_errors_by_the_field()
    {
        var type = EntityCatalog.StorageTargets.FindType("sftp")!;
        IReadOnlyDictionary<string, JsonNode?>? sent = null;
        var form = Render<EntityForm>(p => p
            .Add(x => x.Entity, Snapshot(type, e => ((SftpStorageTarget)e).Host = "old.example.com"))
            .Add(x => x.CanEdit, true)
            .Add(x => x.Save, patch =>
            {
                sent = patch;
                return Task.FromResult<DomainErrors?>(new DomainErrors().Add("port", "'Port' must be a port number from 1 to 65535."));
            }));
        form.Find("[data-testid=entity-edit]").Click();
        Assert.True(form.Find("[data-testid=entity-save]").HasAttribute("disabled")); // nothing changed yet

        // The type's validator answers as the field is typed, before anything is sent.
        form.Find("[data-testid=input-port]").Input("70000");
        form.Find("[data-testid=entity-save]").Click();
        Assert.Null(sent);
        Assert.Contains("1 to 65535", ErrorOf(form, "port"));

        // A value the validator accepts goes to the domain; its refusal shows by the field, the input kept as typed.
        form.Find("[data-testid=input-port]").Input("2222");
        Assert.Null(ErrorOf(form, "port"));
        form.Find("[data-testid=entity-save]").Click();

        Assert.Equal(["port"], sent!.Keys);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, sent["port"]!.GetValueKind());
        Assert.Contains("1 to 65535", ErrorOf(form, "port"));
        Assert.Equal("2222", form.Find("[data-testid=input-port]").GetAttribute("value"));
    }

    [Fact]
    public void A_field_is_judged_by_the_types_validator_with_the_forms_other_values()
    {
        var type = EntityCatalog.StorageTargets.FindType("amazon_s3")!;
        var form = Render<EntityForm>(p => p.Add(x => x.Entity, Snapshot(type)).Add(x => x.CanEdit, true));
        form.Find("[data-testid=entity-edit]").Click();
        form.Find("[data-testid=input-accessKeyId]").Input("bad key with spaces");
        Assert.Contains("spaces", ErrorOf(form, "accessKeyId"));
        form.Find("[data-testid=input-serviceUrl]").Input("ftp://not-http");
        Assert.Contains("absolute http(s) URL", ErrorOf(form, "serviceUrl"));
        form.Find("[data-testid=input-serviceUrl]").Input("https://s3.example.com");
        Assert.Null(ErrorOf(form, "serviceUrl"));
    }

    [Fact]
    public void The_smb_port_is_judged_by_the_smb_validator_and_sent_as_a_number()
    {
        var type = EntityCatalog.StorageTargets.FindType("smb")!;
        IReadOnlyDictionary<string, JsonNode?>? sent = null;
        var form = Render<EntityForm>(p => p
            .Add(x => x.Entity, Snapshot(type))
            .Add(x => x.CanEdit, true)
            .Add(x => x.Save, patch =>
            {
                sent = patch;
                return Task.FromResult<DomainErrors?>(null);
            }));
        form.Find("[data-testid=entity-edit]").Click();
        form.Find("[data-testid=input-port]").Input("0");
        Assert.Contains("1 to 65535", ErrorOf(form, "port"));
        form.Find("[data-testid=input-port]").Input("4450");
        Assert.Null(ErrorOf(form, "port"));
        form.Find("[data-testid=entity-save]").Click();
        Assert.Equal(["port"], sent!.Keys);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, sent["port"]!.GetValueKind());
        Assert.Equal("4450", sent["port"]!.ToJsonString());
    }

    /// <summary>The message the input is described by when it is in error (what a screen reader reads with it).</summary>
    private static string? ErrorOf(IRenderedComponent<EntityForm> form, string property)
    {
        var input = form.Find($"[data-testid=input-{property}]");
        if (input.GetAttribute("aria-invalid") != "true") return null;
        var described = input.GetAttribute("aria-describedby")?.Split(' ') ?? [];
        return string.Join(" ", described.Select(id => form.FindAll($"[id='{id}']") is [var element, ..] ? element.TextContent : ""));
    }

    [Fact]
    public void Without_permission_there_is_no_edit_control()
    {
        var form = Render<EntityForm>(p => p.Add(x => x.Entity, Snapshot(EntityCatalog.StorageTargets.FindType("amazon_s3")!)).Add(x => x.CanEdit, false));
        Assert.Empty(form.FindAll("button:not([disabled])")); // MudForm's hidden disabled button only stops Enter submitting
        Assert.Empty(form.FindAll("[data-testid=entity-edit], [data-testid=entity-save]"));
    }
}
