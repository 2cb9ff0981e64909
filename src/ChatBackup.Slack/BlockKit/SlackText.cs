using System.Globalization;
using System.Text;

namespace ChatBackup.Slack.BlockKit;

/// <summary>Escaping and length limits for Slack text.</summary>
public static class SlackText
{
    private const string Ellipsis = "…";

    /// <summary>
    /// Escapes the three characters Slack treats as control characters in mrkdwn, so user text
    /// such as <c>&lt;@U123&gt;</c> or <c>&lt;!channel&gt;</c> cannot mention or link anyone.
    /// </summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Cuts text to at most <paramref name="max"/> characters, ending with "…", without splitting a surrogate pair or an escape entity.</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var keep = Math.Max(0, max - Ellipsis.Length);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        // An entity cut in half ("&am") would show as garbage: drop the partial entity.
        var amp = text.LastIndexOf('&', Math.Max(0, keep - 1));
        if (amp >= 0 && keep - amp < 5 && text.IndexOf(';', amp) >= keep)
        {
            keep = amp;
        }

        return string.Concat(text.AsSpan(0, keep), Ellipsis);
    }

    /// <summary>Inline code: backticks inside would end the span early, so they become quotes.</summary>
    public static string Code(string text) => "`" + Escape(text).Replace('`', '\'') + "`";

    /// <summary>A fenced code block; triple backticks inside would close it early.</summary>
    public static string CodeBlock(string text) =>
        "```\n" + Escape(text).Replace("```", "'''", StringComparison.Ordinal) + "\n```";

    /// <summary>Pads to a display width counted in text elements, so emoji and accents line up roughly.</summary>
    internal static string PadRight(string text, int width)
    {
        var length = new StringInfo(text).LengthInTextElements;
        return length >= width ? text : new StringBuilder(text).Append(' ', width - length).ToString();
    }
}
