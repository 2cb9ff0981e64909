using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ChatBackup.Core.Operations;

/// <summary>Operation ids: <c>op-</c> and 8 lowercase base32 characters (RFC 4648 alphabet), 40 random bits.</summary>
public static partial class OperationId
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string New()
    {
        // One draw of 40 bits, 5 per character: every call into the system RNG costs a microsecond or two.
        Span<byte> random = stackalloc byte[5];
        RandomNumberGenerator.Fill(random);
        var bits = ((ulong)random[0] << 32) | ((ulong)random[1] << 24) | ((ulong)random[2] << 16) | ((ulong)random[3] << 8) | random[4];
        return string.Create(11, bits, static (chars, bits) =>
        {
            "op-".CopyTo(chars);
            for (var i = 0; i < 8; i++)
            {
                chars[3 + i] = Alphabet[(int)((bits >> (35 - (5 * i))) & 31)];
            }
        });
    }

    public static bool IsValid(string value) => Pattern().IsMatch(value);

    [GeneratedRegex("^op-[a-z2-7]{8}$")]
    private static partial Regex Pattern();
}
