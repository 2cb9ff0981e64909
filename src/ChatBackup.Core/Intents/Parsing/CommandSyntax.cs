namespace ChatBackup.Core.Intents.Parsing;

/// <summary>Small rules shared by the tokenizer and the parser.</summary>
internal static class CommandSyntax
{
    private const int ShownLength = 40;

    /// <summary>A hyphen, or the en/em dash that Slack, Teams and macOS substitute for "--".</summary>
    public static bool IsDash(char c) => c is '-' or '–' or '—';

    /// <summary>
    /// The option name of an unquoted word that starts with "--", "—" or "–" (the typographic dash
    /// replaces both hyphens), else null. The name keeps whatever follows, "=value" included.
    /// </summary>
    public static string? OptionBody(Token token)
    {
        if (token.Quoted)
        {
            return null;
        }

        var text = token.Text;
        if (text.StartsWith("--", StringComparison.Ordinal))
        {
            return text[2..];
        }

        return text.Length > 0 && text[0] is '–' or '—' ? text[1..] : null;
    }

    /// <summary>A user's word in an error message: quoted, and cut short so a pasted paragraph cannot flood the reply.</summary>
    public static string Show(string value)
    {
        if (value.Length <= ShownLength)
        {
            return $"'{value}'";
        }

        // Never cut an emoji in half: a lone surrogate would garble the reply.
        var cut = char.IsHighSurrogate(value[ShownLength - 1]) ? ShownLength - 1 : ShownLength;
        return $"'{value[..cut]}…'";
    }
}
