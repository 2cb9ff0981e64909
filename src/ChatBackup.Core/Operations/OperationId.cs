using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ChatBackup.Core.Operations;

/// <summary>Operation ids: <c>op-</c> and 8 lowercase base32 characters (RFC 4648 alphabet), 40 random bits.</summary>
public static partial class OperationId
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string New()
    {
        Span<char> chars = stackalloc char[8];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return "op-" + new string(chars);
    }

    public static bool IsValid(string value) => Pattern().IsMatch(value);

    [GeneratedRegex("^op-[a-z2-7]{8}$")]
    private static partial Regex Pattern();
}
