using System.Text;
using ChatBackup.Core.Cards;
using Cards = ChatBackup.Core.Cards;

namespace ChatBackup.Slack.BlockKit;

/// <summary>
/// Turns platform-neutral cards into Block Kit, escaping all card text and keeping within
/// Slack's limits (https://docs.slack.dev/reference/block-kit/blocks) by truncating.
/// </summary>
public sealed class BlockKitRenderer
{
    public const int MaxBlocks = 50;
    public const int MaxHeaderLength = 150;
    public const int MaxSectionTextLength = 3000;
    public const int MaxFieldLength = 2000;
    public const int MaxFieldsPerSection = 10;
    public const int MaxContextElements = 10;
    public const int MaxActionsElements = 25;
    public const int MaxButtonTextLength = 75;
    public const int MaxButtonValueLength = 2000;
    public const int MaxActionIdLength = 255;
    public const int MaxConfirmTitleLength = 100;
    public const int MaxConfirmTextLength = 300;
    public const int MaxConfirmButtonLength = 30;

    /// <summary>The top-level <c>text</c> may be 40,000 characters; notifications show far less.</summary>
    public const int MaxFallbackLength = 3000;

    private const int MaxTableColumnWidth = 40;

    public SlackMessage Render(Card card) => Render(card, null);

#pragma warning disable CA1822 // An injected service: callers depend on the instance, which can gain settings later.

    /// <summary>Renders <paramref name="card"/> with an optional mrkdwn notice (already escaped) above it.</summary>
    public SlackMessage Render(Card card, string? noticeMrkdwn)
    {
        var head = new List<Block>();
        if (noticeMrkdwn is not null)
        {
            head.Add(new SectionBlock(TextObject.Mrkdwn(SlackText.Truncate(noticeMrkdwn, MaxSectionTextLength))));
        }

        var title = WithToneEmoji(card.Title.Trim(), card.Tone);
        if (title.Length > 0)
        {
            head.Add(new HeaderBlock(TextObject.Plain(SlackText.Truncate(title, MaxHeaderLength))));
        }

        var body = card.Blocks.SelectMany(RenderBlock).ToList();
        var actions = RenderButtons(card.Buttons);

        var room = MaxBlocks - head.Count - (actions is null ? 0 : 1);
        if (body.Count > room)
        {
            var kept = room - 1;
            var omitted = body.Count - kept;
            body = [.. body.Take(kept), new ContextBlock([TextObject.Mrkdwn($"… and {omitted} more")])];
        }

        List<Block> blocks = [.. head, .. body];
        if (actions is not null)
        {
            blocks.Add(actions);
        }

        var fallback = string.IsNullOrWhiteSpace(card.FallbackText) ? card.Title : card.FallbackText;
        return new SlackMessage(SlackText.Truncate(SlackText.Escape(fallback), MaxFallbackLength), blocks);
    }
#pragma warning restore CA1822

    private static string WithToneEmoji(string title, CardTone tone)
    {
        var emoji = tone switch
        {
            CardTone.InProgress => "⏳",
            CardTone.Success => "✅",
            CardTone.Warning => "⚠️",
            CardTone.Danger => "❌",
            _ => null,
        };
        return emoji is null || title.Length == 0 ? title : $"{emoji} {title}";
    }

    private static IEnumerable<Block> RenderBlock(CardBlock block) => block switch
    {
        TextBlock text => RenderText(text),
        FactsBlock facts => RenderFacts(facts),
        ProgressBlock progress => [RenderProgress(progress)],
        TableBlock table => [RenderTable(table)],
        Cards.ContextBlock context => Context(SlackText.Escape(context.Text)),
        Cards.DividerBlock => [new DividerBlock()],
        _ => [],
    };

    private static IEnumerable<Block> RenderText(TextBlock block)
    {
        if (string.IsNullOrWhiteSpace(block.Text))
        {
            return [];
        }

        return block.Style switch
        {
            TextStyle.Subtle => Context(SlackText.Escape(block.Text)),
            TextStyle.Monospace => [Section(block.Text.Contains('\n', StringComparison.Ordinal) ? SlackText.CodeBlock(block.Text) : SlackText.Code(block.Text))],
            TextStyle.Emphasis => [Section(Bold(block.Text))],
            _ => [Section(SlackText.Escape(block.Text))],
        };
    }

    /// <summary>Bold per line: a <c>*…*</c> span cannot cross a line break.</summary>
    private static string Bold(string text) =>
        string.Join('\n', text.Split('\n').Select(line => string.IsNullOrWhiteSpace(line) ? line : $"*{SlackText.Escape(line.Trim())}*"));

    private static IEnumerable<Block> RenderFacts(FactsBlock block) =>
        block.Facts
            .Select(f => TextObject.Mrkdwn(SlackText.Truncate($"*{SlackText.Escape(f.Label)}*\n{SlackText.Escape(f.Value)}", MaxFieldLength)))
            .Chunk(MaxFieldsPerSection)
            .Select(fields => new SectionBlock(Fields: fields));

    private static SectionBlock RenderProgress(ProgressBlock block)
    {
        var text = block.Caption is { Length: > 0 } caption ? $"{block.Bar}\n{SlackText.Escape(caption)}" : block.Bar;
        return Section(text);
    }

    /// <summary>
    /// One fenced block with padded columns: readable on mobile (it scrolls sideways) and a single
    /// block however many rows, so the 50-block limit is never spent on a listing.
    /// </summary>
    private static SectionBlock RenderTable(TableBlock table)
    {
        var columnCount = Math.Max(table.Columns.Count, table.Rows.Count == 0 ? 0 : table.Rows.Max(r => r.Count));
        string Cell(IReadOnlyList<string> row, int i) => i < row.Count ? SlackText.Truncate(Clean(row[i]), MaxTableColumnWidth) : string.Empty;

        var widths = Enumerable.Range(0, columnCount)
            .Select(i => new[] { table.Columns }.Concat(table.Rows).Max(r => Cell(r, i).Length))
            .ToArray();
        string Line(IReadOnlyList<string> row) =>
            string.Join("  ", Enumerable.Range(0, columnCount).Select(i => SlackText.PadRight(Cell(row, i), widths[i]))).TrimEnd();

        // Leave room for the fences, the escaping of the rows and the "… and N more" line.
        const int budget = MaxSectionTextLength - 200;
        var text = new StringBuilder();
        var used = 0;
        if (table.Columns.Count > 0)
        {
            AppendLine(Line(table.Columns));
        }

        var shown = 0;
        foreach (var row in table.Rows)
        {
            var line = Line(row);
            if (used + SlackText.Escape(line).Length + 1 > budget)
            {
                break;
            }

            AppendLine(line);
            shown++;
        }

        if (table.Rows.Count == 0)
        {
            AppendLine("(none)");
        }

        var rendered = SlackText.CodeBlock(text.ToString().TrimEnd('\n'));
        if (shown < table.Rows.Count)
        {
            rendered += $"\n… and {table.Rows.Count - shown} more";
        }

        return Section(SlackText.Truncate(rendered, MaxSectionTextLength));

        void AppendLine(string line)
        {
            text.Append(line).Append('\n');
            used += SlackText.Escape(line).Length + 1;
        }
    }

    /// <summary>Cells are one line; a newline would break the column layout.</summary>
    private static string Clean(string cell) => cell.ReplaceLineEndings(" ").Trim();

    private static IEnumerable<Block> Context(string mrkdwn) =>
        string.IsNullOrWhiteSpace(mrkdwn) ? [] : [new ContextBlock([TextObject.Mrkdwn(SlackText.Truncate(mrkdwn, MaxFieldLength))])];

    private static SectionBlock Section(string mrkdwn) => new(TextObject.Mrkdwn(SlackText.Truncate(mrkdwn, MaxSectionTextLength)));

    private static ActionsBlock? RenderButtons(IReadOnlyList<CardButton> buttons)
    {
        if (buttons.Count == 0)
        {
            return null;
        }

        var elements = buttons.Take(MaxActionsElements).Select(button => new ButtonElement(
            TextObject.Plain(SlackText.Truncate(button.Label, MaxButtonTextLength)),
            SlackText.Truncate(button.ActionId, MaxActionIdLength),
            button.Value.Length <= MaxButtonValueLength ? button.Value : button.Value[..MaxButtonValueLength],
            StyleOf(button.Style),
            button.Confirm is { } confirm ? RenderConfirm(confirm, button.Style) : null));
        return new ActionsBlock([.. elements]);
    }

    private static ConfirmObject RenderConfirm(ConfirmDialog dialog, ButtonStyle style) => new(
        TextObject.Plain(SlackText.Truncate(dialog.Title, MaxConfirmTitleLength)),
        TextObject.Plain(SlackText.Truncate(dialog.Text, MaxConfirmTextLength)),
        TextObject.Plain(SlackText.Truncate(dialog.ConfirmLabel, MaxConfirmButtonLength)),
        TextObject.Plain(SlackText.Truncate(dialog.DenyLabel, MaxConfirmButtonLength)),
        StyleOf(style));

    private static string? StyleOf(ButtonStyle style) => style switch
    {
        ButtonStyle.Primary => "primary",
        ButtonStyle.Danger => "danger",
        _ => null,
    };
}
