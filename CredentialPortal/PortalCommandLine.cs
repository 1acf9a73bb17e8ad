namespace CredentialPortal;

/// <summary>Turns the portal's own switches into configuration keys the host understands.</summary>
public static class PortalCommandLine
{
    public static string[] ToHostArguments(string[] args) =>
        args.Select(a => a switch
        {
            "--seed-demo" => "--Portal:SeedDemo=true",
            _ => a,
        }).ToArray();
}
