using System.Net;
using System.Security.Cryptography;
using System.Text;
using ChatBackup.Slack.Verification;
using Microsoft.AspNetCore.Http;

namespace ChatBackup.Slack;

/// <summary>Helpers shared by the Slack handlers, which only ever see verified bodies.</summary>
internal static class SlackRequest
{
    /// <summary>Slack gives up after 3 s; this leaves room for the network and our own overhead.</summary>
    public static readonly TimeSpan ResponseBudget = TimeSpan.FromMilliseconds(2500);

    /// <summary>The form fields of the verified body; read from the same bytes the signature covered.</summary>
    public static SlackForm ReadForm(HttpContext context)
    {
        var body = context.Features.Get<SlackVerifiedBody>()
            ?? throw new InvalidOperationException("Slack handlers must run behind the signature filter.");
        return new SlackForm(body.Bytes);
    }

    /// <summary>A short id to quote in the user's message and find in the logs.</summary>
    public static string NewErrorRef() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}

/// <summary>
/// An <c>application/x-www-form-urlencoded</c> body, decoded field by field when asked: a handler
/// reads a handful of Slack's dozen fields, so there is no dictionary of all of them to build.
/// </summary>
internal readonly struct SlackForm(byte[] body)
{
    /// <summary>The decoded value of the first field called <paramref name="name"/>; null when absent or empty.</summary>
    public string? Field(string name)
    {
        ReadOnlySpan<byte> rest = body;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'&');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];

            var equals = pair.IndexOf((byte)'=');
            var key = equals < 0 ? pair : pair[..equals];
            if (!KeyIs(key, name))
            {
                continue;
            }

            var value = equals < 0 ? default : pair[(equals + 1)..];
            return value.IsEmpty ? null : Decode(value);
        }

        return null;
    }

    private static bool KeyIs(ReadOnlySpan<byte> key, string name) =>
        key.IndexOfAny((byte)'%', (byte)'+') < 0
            ? Ascii.Equals(key, name)
            : string.Equals(Decode(key), name, StringComparison.Ordinal);

    /// <summary>'+' is a space and %XX a byte, as browsers and Slack encode forms; the bytes are UTF-8.</summary>
    private static string Decode(ReadOnlySpan<byte> encoded) =>
        encoded.IndexOfAny((byte)'%', (byte)'+') < 0
            ? Encoding.UTF8.GetString(encoded)
            : Encoding.UTF8.GetString(WebUtility.UrlDecodeToBytes(encoded.ToArray(), 0, encoded.Length));
}
