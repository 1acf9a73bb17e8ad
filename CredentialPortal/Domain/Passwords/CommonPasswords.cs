
namespace CredentialPortal.Domain.Passwords;

/// <summary>
/// The 30,000 most common passwords (from breach corpora), as shipped inside zxcvbn-core. Loaded once.
/// A candidate is common when it is one of them, a l33t spelling of one, or one repeated.
/// </summary>
public static class CommonPasswords
{
    private static readonly Lazy<HashSet<string>> List = new(Load);

    public static int Count => List.Value.Count;

    public static bool Contains(string candidate)
    {
        var lower = candidate.ToLowerInvariant();
        var list = List.Value;
        if (list.Contains(lower) || list.Contains(Unleet(lower))) return true;

        // "trustno1trustno1": one common password repeated.
        for (var size = 1; size <= lower.Length / 2; size++)
        {
            if (lower.Length % size == 0 && string.Concat(Enumerable.Repeat(lower[..size], lower.Length / size)) == lower
                && (list.Contains(lower[..size]) || list.Contains(Unleet(lower[..size]))))
            {
                return true;
            }
        }
        return false;
    }

    private static string Unleet(string text) =>
        string.Create(text.Length, text, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] switch
                {
                    '4' or '@' => 'a',
                    '3' => 'e',
                    '1' or '!' or '|' => 'i',
                    '0' => 'o',
                    '$' or '5' => 's',
                    '7' or '+' => 't',
                    _ => source[i],
                };
            }
        });

    private static HashSet<string> Load()
    {
        var assembly = typeof(Zxcvbn.Zxcvbn).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".passwords.lst", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0) set.Add(line.Trim().ToLowerInvariant());
        }
        return set;
    }
}
