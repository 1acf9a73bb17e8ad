using CredentialPortal.Domain.Audit;
using CredentialPortal.Domain.Connectors;
using CredentialPortal.Domain.Inventory;
using CredentialPortal.Domain.Passwords;
using CredentialPortal.Domain.Secrets;
using CredentialPortal.Domain.Settings;
using CredentialPortal.Domain.Users;
using CredentialPortal.Domain.Verification;
using FluentValidation;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CredentialPortal.Domain;

/// <summary>Registers the domain service layer that the portal, the REST API and the CLI share.</summary>
public static class DomainServices
{
    public static IServiceCollection AddCredentialDomain(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);

        // Every FluentValidation validator in the domain, found once. Singletons: the domain services that use them are
        // singletons, and the validators hold no state.
        services.AddValidatorsFromAssembly(typeof(DomainServices).Assembly, ServiceLifetime.Singleton, includeInternalTypes: true);

        // Validation messages name fields by their catalog labels ("Access key id"), as the forms do.
        ValidatorOptions.Global.DisplayNameResolver = (type, member, _) =>
            member is null ? null
            : Catalog.EntityCatalog.Resources.SelectMany(r => r.Types).FirstOrDefault(t => t.ClrType == type)?
                .Properties.FirstOrDefault(p => p.Property.Name == member.Name)?.Label;

        services.AddSingleton<Audit.Sinks.AuditSinkStates>();
        services.AddSingleton<Audit.Sinks.AuditSinkTest>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<SecretProtector>();
        services.AddSingleton<SecuritySettingsStore>();
        services.AddSingleton<VerificationLockout>();
        services.AddSingleton<EntitySnapshotCache>();
        services.AddSingleton<ConnectorCredentials>();
        services.AddSingleton<PeopleCredentials>();
        services.AddSingleton<AccountStamps>();
        services.AddSingleton<TwoFactor.TwoFactorSignIn>();
        services.AddSingleton<TwoFactor.Passkeys>();
        services.AddSingleton<Users.StepUp>();
        services.AddSingleton<TwoFactor.TwoFactorPolicy>();
        services.AddSingleton<Organisations.MachineUserAccounts>();
        services.AddSingleton<ServerConfiguration.ConfigurationStorage>();
        services.AddSingleton<ServerConfiguration.ConfigurationValues>();
        services.AddSingleton<ServerConfiguration.ConfigurationDifferences>();
        services.AddSingleton<ServerConfiguration.ConfigurationTasks>();
        services.AddSingleton<ServerConfiguration.AgentChannel>();
        services.AddSingleton<CredentialInventory>();
        services.AddSingleton<CredentialAge>();
        services.AddSingleton<Catalog.EntityNames>();
        services.AddSingleton<CredentialHealth>();
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<AuditEvidence>();

        // Connection checks: one IConnectionCheck per connector type, the runner, the schedule and its heartbeat.
        services.AddSingleton(sp => ConnectionChecks.ConnectionCheckOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<ConnectionChecks.TrustedCertificates>();
        foreach (var check in typeof(DomainServices).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ConnectionChecks.IConnectionCheck).IsAssignableFrom(t)))
        {
            services.AddSingleton(typeof(ConnectionChecks.IConnectionCheck), check);
        }
        services.AddSingleton<ConnectionChecks.ConnectionChecker>();
        services.AddSingleton<ConnectionChecks.ConnectionCheckSchedule>();
        services.AddHostedService<ConnectionChecks.ConnectionCheckHeartbeat>();

        // Identity's hasher and normaliser are stateless: singletons, so the singleton domain services can use them.
        services.Replace(ServiceDescriptor.Singleton<IPasswordHasher<PortalUser>, PasswordHasher<PortalUser>>());
        services.Replace(ServiceDescriptor.Singleton<ILookupNormalizer, UpperInvariantLookupNormalizer>());

        // Identity checks passwords with the product's policy, not its own defaults: one rule, one place.
        services.RemoveAll<IPasswordValidator<PortalUser>>();
        services.AddScoped<IPasswordValidator<PortalUser>, PolicyPasswordValidator>();
        return services;
    }
}
