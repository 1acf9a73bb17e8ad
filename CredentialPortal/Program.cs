using CredentialPortal;
using CredentialPortal.Data.KeyRing;

if (BackupCommands.Handles(args))
{
    return BackupCommands.Run(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(PortalCommandLine.ToHostArguments(args));
builder.AddCredentialPortal();

var app = builder.Build();
try
{
    // Refuse before anything else when the master key is missing or malformed (the rule is PortalMasterKey's).
    app.Services.GetRequiredService<PortalMasterKey>();
    app.UseCredentialPortal();
    await app.RunAsync();
    return 0;
}
catch (PortalRefusedException refused)
{
    // A message for the operator, not a crash: no stack trace.
    Console.Error.WriteLine(refused.Message);
    return 2;
}

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
