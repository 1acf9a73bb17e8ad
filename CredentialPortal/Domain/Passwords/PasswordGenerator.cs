using System.Security.Cryptography;

namespace CredentialPortal.Domain.Passwords;

// This file is also compiled into the unify CLI (Unify.csproj), so both generate passwords the same way.

/// <summary>
/// Random passwords from the operating system's CSPRNG. Every character class is present and the length is at
/// least the policy's minimum, so the result passes PasswordPolicy by construction (a plain name: the unify CLI
/// compiles this file without the policy).
/// </summary>
public static partial class PasswordGenerator
{
    public const int DefaultLength = 32;

    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Digits = "23456789";
    private const string Symbols = "!#$%&*+-=?@^_~";
    private static readonly string[] Classes = [Lower, Upper, Digits, Symbols];
    private static readonly string Alphabet = string.Concat(Classes);

    public static string Generate(int length = DefaultLength)
    {
        if (length < Classes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"A generated password needs at least {Classes.Length} characters.");
        }

        var chars = new char[length];
        for (var i = 0; i < Classes.Length; i++)
        {
            chars[i] = Classes[i][RandomNumberGenerator.GetInt32(Classes[i].Length)];
        }
        for (var i = Classes.Length; i < length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
