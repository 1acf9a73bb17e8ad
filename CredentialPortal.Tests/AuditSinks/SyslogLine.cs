using System.Text;
using System.Text.RegularExpressions;

namespace CredentialPortal.Tests.AuditSinks;

/// <summary>
/// A strict reading of one RFC 5424 message (§6): header, one or more SD-ELEMENTs with escaped PARAM-VALUEs
/// (§6.3.3), MSG. Written from the RFC, independently of the portal's formatter.
/// </summary>
public sealed partial record SyslogLine(int Priority, string Timestamp, string HostName, string AppName, string ProcId, string MsgId,
    IReadOnlyList<(string Id, IReadOnlyDictionary<string, string> Params)> StructuredData, string Message)
{
    public IReadOnlyDictionary<string, string> Element(string id) => StructuredData.Single(e => e.Id == id).Params;

    public static SyslogLine Parse(string line)
    {
        var header = Header().Match(line);
        if (!header.Success) throw new FormatException($"not an RFC 5424 header: {line}");
        var rest = line[header.Length..];
        var elements = new List<(string, IReadOnlyDictionary<string, string>)>();
        var i = 0;
        if (rest.StartsWith('-'))
        {
            i = 1;
        }
        else
        {
            while (i < rest.Length && rest[i] == '[')
            {
                i++;
                var id = ReadName(rest, ref i);
                var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
                while (rest[i] == ' ')
                {
                    i++;
                    var name = ReadName(rest, ref i);
                    if (rest[i++] != '=' || rest[i++] != '"') throw new FormatException($"PARAM {name} is not name=\"value\": {line}");
                    var value = new StringBuilder();
                    while (rest[i] != '"')
                    {
                        if (rest[i] == ']') throw new FormatException($"unescaped ']' in {name}: {line}");
                        if (rest[i] == '\\' && rest[i + 1] is '"' or '\\' or ']') i++;
                        value.Append(rest[i++]);
                    }
                    i++;
                    if (!parameters.TryAdd(name, value.ToString())) throw new FormatException($"PARAM {name} twice: {line}");
                }
                if (rest[i++] != ']') throw new FormatException($"SD-ELEMENT not closed: {line}");
                elements.Add((id, parameters));
            }
            if (elements.Count == 0) throw new FormatException($"no STRUCTURED-DATA: {line}");
        }
        var message = i < rest.Length ? (rest[i] == ' ' ? rest[(i + 1)..] : throw new FormatException($"no SP before MSG: {line}")) : "";
        return new SyslogLine(int.Parse(header.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), header.Groups[2].Value,
            header.Groups[3].Value, header.Groups[4].Value, header.Groups[5].Value, header.Groups[6].Value, elements, message.TrimStart('\uFEFF'));
    }

    /// <summary>SD-NAME: 1–32 printable US-ASCII except '=', SP, ']' and '"'.</summary>
    private static string ReadName(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && text[i] is > ' ' and < (char)127 and not '=' and not ']' and not '"') i++;
        if (i == start || i - start > 32) throw new FormatException($"bad SD-NAME at {start}: {text}");
        return text[start..i];
    }

    // <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SP (each header field printable US-ASCII, no space).
    [GeneratedRegex(@"^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) ([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) ([!-~]{1,32}) ")]
    private static partial Regex Header();
}
