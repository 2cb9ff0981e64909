using System.Net;
using System.Text.RegularExpressions;

namespace ChatBackup.Teams.Activities;

/// <summary>
/// Turns Teams message text into the command grammar: Teams wraps mentions in <c>&lt;at&gt;</c>,
/// may send HTML (<c>textFormat</c> xml/html, paragraphs, <c>&amp;nbsp;</c>) and entity-encodes quotes.
/// </summary>
public static partial class ActivityText
{
    public static string ToCommandText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var withoutMentions = MentionPattern().Replace(text, " ");

        // Block tags separate words; inline tags (<b>, <span>) do not.
        var spaced = BlockTagPattern().Replace(withoutMentions, " ");
        var plain = TagPattern().Replace(spaced, string.Empty);
        var decoded = WebUtility.HtmlDecode(plain).Replace('\u00A0', ' ');
        var collapsed = WhitespacePattern().Replace(decoded, " ").Trim();
        return LeadingBackupPattern().Replace(collapsed, string.Empty);
    }

    [GeneratedRegex(@"<at\b[^>]*>.*?</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline, matchTimeoutMilliseconds: 200)]
    private static partial Regex MentionPattern();

    [GeneratedRegex(@"</?(p|div|br|li|ul|ol|tr|td|h[1-6])\b[^>]*>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 200)]
    private static partial Regex BlockTagPattern();

    [GeneratedRegex(@"</?[a-zA-Z][^<>]*>", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+", RegexOptions.None, matchTimeoutMilliseconds: 200)]
    private static partial Regex WhitespacePattern();

    [GeneratedRegex(@"^/?backup(\s+|$)", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 200)]
    private static partial Regex LeadingBackupPattern();
}
