namespace CredentialPortal;

/// <summary>Turns the portal's own switches into configuration keys the host understands.</summary>
public static class PortalCommandLine
{
    public static string[] ToHostArguments(string[] args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seed-demo":
                    result.Add("--Portal:SeedDemo=true");
                    break;
                case "--seed-scale" when i + 1 < args.Length:
                    result.Add($"--Portal:SeedScale={args[++i]}");
                    break;
                default:
                    result.Add(args[i]);
                    break;
            }
        }
        return result.ToArray();
    }
}
