using System.Text;

namespace ChatBackup.Core.Intents.Parsing;

/// <summary>One word of a command. <paramref name="Quoted"/> words began with a quote and are never options.</summary>
internal readonly record struct Token(string Text, bool Quoted);

/// <summary>
/// Splits command text into words the way chat users type them: whitespace (including the
/// non-breaking spaces Teams sends) separates words, and straight or typographic quotes group a value
/// with spaces, because Slack, Teams and macOS replace <c>"</c> with <c>“ ”</c> as the user types.
/// </summary>
internal static class CommandTokenizer
{
    private const string DoubleQuotes = "\"“”„‟";
    private const string SingleQuotes = "'‘’‚‛";

    /// <summary>
    /// Returns the words of <paramref name="text"/>. On an unterminated quote, <paramref name="problem"/>
    /// says so and the rest of the text is returned as one last word, so the caller can still name the verb.
    /// </summary>
    public static IReadOnlyList<Token> Tokenize(string text, out string? problem)
    {
        problem = null;
        var tokens = new List<Token>();
        var word = new StringBuilder();
        var i = 0;

        while (i < text.Length)
        {
            if (IsSeparator(text[i]) || IsInvisible(text[i]))
            {
                i++;
                continue;
            }

            word.Clear();
            var wordStart = i;
            var quoted = false;
            var optionLike = CommandSyntax.IsDash(text[i]);
            var seenEquals = false;

            // A quote opens only at the start of a word, or right after "=" in --opt="a b": an
            // apostrophe inside a word (o'brien, bob's-box) is just a character.
            var quoteMayOpen = true;

            while (i < text.Length && !IsSeparator(text[i]))
            {
                var c = text[i];
                if (IsInvisible(c))
                {
                    i++;
                    continue;
                }

                if (quoteMayOpen && QuoteFamily(c) is { } family)
                {
                    var close = FindClosingQuote(text, i + 1, family);
                    if (close < 0)
                    {
                        problem = $"The quote {c} in {CommandSyntax.Show(text[wordStart..])} is never closed.";
                        tokens.Add(new Token(text[wordStart..], Quoted: false));
                        return tokens;
                    }

                    AppendQuoted(word, text.AsSpan(i + 1, close - i - 1));
                    quoted |= i == wordStart;
                    i = close + 1;
                    quoteMayOpen = false;
                    continue;
                }

                word.Append(c);
                quoteMayOpen = optionLike && c == '=' && !seenEquals;
                seenEquals |= c == '=';
                i++;
            }

            tokens.Add(new Token(word.ToString(), quoted));
        }

        return tokens;
    }

    /// <summary>
    /// A closing quote is one of the same family that ends a word, so a quoted value may hold an
    /// apostrophe (‘bob’s box’) and clients that mix “ and ” (or „ and “) still pair up.
    /// </summary>
    private static int FindClosingQuote(string text, int from, string family)
    {
        for (var j = from; j < text.Length; j++)
        {
            if (family.Contains(text[j], StringComparison.Ordinal) && (j + 1 == text.Length || IsSeparator(text[j + 1])))
            {
                return j;
            }
        }

        return -1;
    }

    // Inside quotes a non-breaking space is what the user meant as a space: AMI names allow only ' '.
    private static void AppendQuoted(StringBuilder word, ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (IsInvisible(c))
            {
                continue;
            }

            word.Append(c is '\u00A0' or '\u2007' or '\u202F' ? ' ' : c);
        }
    }

    private static string? QuoteFamily(char c) =>
        DoubleQuotes.Contains(c, StringComparison.Ordinal) ? DoubleQuotes
        : SingleQuotes.Contains(c, StringComparison.Ordinal) ? SingleQuotes
        : null;

    // char.IsWhiteSpace covers U+00A0 and the other Unicode spaces chat clients insert.
    private static bool IsSeparator(char c) => char.IsWhiteSpace(c);

    // Zero-width characters arrive from copy-paste and would make an id silently invalid.
    private static bool IsInvisible(char c) => c is '\u200B' or '\u2060' or '\uFEFF';
}
