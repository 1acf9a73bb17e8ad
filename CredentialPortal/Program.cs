using CredentialPortal;

var builder = WebApplication.CreateBuilder(PortalCommandLine.ToHostArguments(args));
builder.AddCredentialPortal();

var app = builder.Build();
app.UseCredentialPortal();
app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
