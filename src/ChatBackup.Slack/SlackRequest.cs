using System.Security.Cryptography;
using System.Text;
using ChatBackup.Slack.Verification;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace ChatBackup.Slack;

/// <summary>Helpers shared by the Slack handlers, which only ever see verified bodies.</summary>
internal static class SlackRequest
{
    /// <summary>Slack gives up after 3 s; this leaves room for the network and our own overhead.</summary>
    public static readonly TimeSpan ResponseBudget = TimeSpan.FromMilliseconds(2500);

    /// <summary>The form fields of the verified body; parsed from the same bytes the signature covered.</summary>
    public static Dictionary<string, StringValues> ReadForm(HttpContext context)
    {
        var body = context.Features.Get<SlackVerifiedBody>()
            ?? throw new InvalidOperationException("Slack handlers must run behind the signature filter.");
        using var reader = new FormReader(Encoding.UTF8.GetString(body.Bytes));
        return reader.ReadForm();
    }

    public static string? Field(this Dictionary<string, StringValues> form, string name) =>
        form.TryGetValue(name, out var value) && !StringValues.IsNullOrEmpty(value) ? value.ToString() : null;

    /// <summary>A short id to quote in the user's message and find in the logs.</summary>
    public static string NewErrorRef() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}
