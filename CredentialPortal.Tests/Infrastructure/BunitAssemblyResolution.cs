using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace CredentialPortal.Tests.Infrastructure;

/// <summary>
/// bunit 2 was built against AngleSharp.Diffing 1.0, which the package mirror lacks; 0.17 has the API it uses.
/// Answer its request for "AngleSharp.Diffing" with the 0.17 assembly shipped beside the tests.
/// </summary>
internal static class BunitAssemblyResolution
{
    [ModuleInitializer]
    internal static void Install() =>
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            name.Name == "AngleSharp.Diffing"
                ? context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "AngleSharp.Diffing.dll"))
                : null;
}
