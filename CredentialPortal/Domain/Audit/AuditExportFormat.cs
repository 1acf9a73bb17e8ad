using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CredentialPortal.Domain.Audit;

/// <summary>The outcome of checking an export: intact, or the first broken sequence and why.</summary>
public sealed record ExportVerification(bool Intact, long RecordsChecked, long? FirstBrokenSequence, string? Problem, string? PublicKey);

/// <summary>
/// The signed JSONL export: one line per record, <c>{"seq","prev","hash","record":{…}}</c>, then a closing line
/// <c>{"signature":{"alg":"ES256","publicKey","firstSeq","lastSeq","lastHash","value"}}</c>. The signature is ECDSA
/// P-256 with SHA-256 (IEEE P1363 r‖s, base64) over the UTF-8 bytes of every line before it, each with its LF, exactly as
/// in the file. Written by the portal and read by <c>unify audit verify</c> (this file is linked into both).
/// </summary>
public static class AuditExportFormat
{
    public const string Algorithm = "ES256";

    public static string RecordLine(AuditRecord r) => new JsonObject
    {
        ["seq"] = r.Sequence,
        ["prev"] = r.PreviousHash,
        ["hash"] = r.Hash,
        ["record"] = new JsonObject
        {
            // "O": the round-trip format keeps every tick, which the hash covers.
            ["occurredAt"] = DateTime.SpecifyKind(r.OccurredAt, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture),
            ["actorId"] = r.ActorId,
            ["actor"] = r.ActorName,
            ["door"] = r.Door.ToString(),
            ["action"] = r.Action,
            ["entityType"] = r.EntityType,
            ["entityId"] = r.EntityId,
            ["properties"] = r.Properties,
            ["changes"] = r.Changes,
            ["outcome"] = r.Outcome,
            ["client"] = r.ClientAddress,
            ["correlationId"] = r.CorrelationId,
        },
    }.ToJsonString();

    public static string SignatureLine(long firstSeq, long lastSeq, string lastHash, byte[] signedBytes, ECDsa key) => new JsonObject
    {
        ["signature"] = new JsonObject
        {
            ["alg"] = Algorithm,
            ["publicKey"] = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()),
            ["firstSeq"] = firstSeq,
            ["lastSeq"] = lastSeq,
            ["lastHash"] = lastHash,
            ["value"] = Convert.ToBase64String(key.SignData(signedBytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)),
        },
    }.ToJsonString();

    /// <summary>
    /// Checks a whole export: each line parses, sequences follow one another without gap or reordering, each prev is
    /// the previous hash (and the genesis hash before record 1), each hash recomputes, the signature covers the lines
    /// and, with <paramref name="expectedPublicKey"/> (base64 SPKI), was made by that key.
    /// </summary>
    public static ExportVerification Verify(byte[] file, string? expectedPublicKey)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(file);
        }
        catch (DecoderFallbackException)
        {
            return new(false, 0, null, "the file is not UTF-8.", null);
        }
        var lines = text.Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0) return new(false, 0, null, "the file is empty.", null);

        long? expectedSeq = null;
        string? expectedPrev = null;
        long firstSeq = 0;
        var lastHash = AuditHash.Genesis;
        long checkedCount = 0;
        for (var i = 0; i < lines.Count - 1; i++)
        {
            AuditRecord record;
            try
            {
                record = ReadRecordLine(lines[i]);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or NullReferenceException or ArgumentException)
            {
                return new(false, checkedCount, expectedSeq ?? SequenceOf(lines[i]), $"line {i + 1} is not an export record ({e.Message}).", null);
            }
            if (expectedSeq is { } seq && record.Sequence != seq)
            {
                return new(false, checkedCount, seq, record.Sequence > seq ? $"record {seq} is missing (line {i + 1} holds {record.Sequence})." : $"record {record.Sequence} is out of order (line {i + 1}, after {seq - 1}).", null);
            }
            if (expectedSeq is null)
            {
                firstSeq = record.Sequence;
                if (record.Sequence == 1) expectedPrev = AuditHash.Genesis;
            }
            if (expectedPrev is not null && record.PreviousHash != expectedPrev)
            {
                return new(false, checkedCount, record.Sequence, "its prev is not the hash of the record before it.", null);
            }
            if (!FixedTimeEquals(AuditHash.Compute(record), record.Hash))
            {
                return new(false, checkedCount, record.Sequence, "its content does not match its hash.", null);
            }
            expectedSeq = record.Sequence + 1;
            expectedPrev = record.Hash;
            lastHash = record.Hash;
            checkedCount++;
        }

        var lastSeq = expectedSeq is { } next ? next - 1 : 0;
        var named = checkedCount > 0 ? firstSeq : (long?)null;
        JsonNode signature;
        byte[] publicKey, value;
        try
        {
            signature = JsonNode.Parse(lines[^1])!["signature"] ?? throw new FormatException("no signature object");
            if ((string?)signature["alg"] != Algorithm) return new(false, checkedCount, named, $"the signature's alg is not {Algorithm}.", null);
            publicKey = Convert.FromBase64String((string)signature["publicKey"]!);
            value = Convert.FromBase64String((string)signature["value"]!);
            if ((long)signature["lastSeq"]! != lastSeq || (string)signature["lastHash"]! != lastHash || (long)signature["firstSeq"]! != (checkedCount > 0 ? firstSeq : 0))
            {
                return new(false, checkedCount, lastSeq, "the signature line does not name the file's first and last records.", null);
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or NullReferenceException)
        {
            return new(false, checkedCount, named, $"the last line is not a signature ({e.Message}).", null);
        }

        var signedLength = Encoding.UTF8.GetByteCount(string.Concat(lines.Take(lines.Count - 1).Select(l => l + "\n")));
        var signed = file.AsSpan(0, signedLength);
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(publicKey, out _);
        }
        catch (CryptographicException)
        {
            return new(false, checkedCount, named, "the signature's public key is not an SPKI key.", null);
        }
        if (key.KeySize != 256 || !key.VerifyData(signed, value, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return new(false, checkedCount, named, "the signature does not match the records.", Convert.ToBase64String(publicKey));
        }
        if (expectedPublicKey is not null && !SameKey(expectedPublicKey, publicKey))
        {
            return new(false, checkedCount, named, "the file was signed by another key than the one given.", Convert.ToBase64String(publicKey));
        }
        return new(true, checkedCount, null, null, Convert.ToBase64String(publicKey));
    }

    public static AuditRecord ReadRecordLine(string line)
    {
        var node = JsonNode.Parse(line)!.AsObject();
        var r = node["record"]!.AsObject();
        var known = new HashSet<string> { "seq", "prev", "hash", "record" };
        if (node.Any(p => !known.Contains(p.Key))) throw new FormatException("unknown field");
        return new AuditRecord
        {
            Sequence = (long)node["seq"]!,
            PreviousHash = (string)node["prev"]!,
            Hash = (string)node["hash"]!,
            OccurredAt = DateTime.Parse((string)r["occurredAt"]!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            ActorId = (int?)r["actorId"],
            ActorName = (string)r["actor"]!,
            Door = Enum.Parse<Door>((string)r["door"]!),
            Action = (string)r["action"]!,
            EntityType = (string?)r["entityType"],
            EntityId = (string?)r["entityId"],
            Properties = (string?)r["properties"],
            Changes = (string?)r["changes"],
            Outcome = (string?)r["outcome"],
            ClientAddress = (string?)r["client"],
            CorrelationId = (string?)r["correlationId"],
        };
    }

    private static long? SequenceOf(string line)
    {
        try
        {
            return (long?)JsonNode.Parse(line)?["seq"];
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static bool SameKey(string given, byte[] actual)
    {
        try
        {
            return CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(given.Trim()), actual);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
