using System.Text.Json;
using ChatBackup.Core.Cards;
using ChatBackup.Core.Chat;
using ChatBackup.Teams.Activities;
using Microsoft.Extensions.Logging;
using CoreTextBlock = ChatBackup.Core.Cards.TextBlock;

namespace ChatBackup.Teams.AdaptiveCards;

/// <summary>
/// Turns platform-neutral <see cref="Card"/>s into Adaptive Cards 1.5 for Teams. Cards stay under
/// the Bot Connector's 40 KB message limit by dropping table rows (with an "… and N more" line).
/// </summary>
/// <remarks>
/// Adaptive Cards have no confirmation dialog, so a button's <see cref="ConfirmDialog"/> becomes a
/// note above the buttons; the approval itself is the second person's decision, which the card
/// shows in full.
/// </remarks>
public sealed class AdaptiveCardRenderer(ILogger<AdaptiveCardRenderer> logger)
{
    /// <summary>The Bot Connector refuses activities over 40 KB (413 MessageSizeTooBig).</summary>
    public const int MaxActivityBytes = 40 * 1024;

    /// <summary>Room left for the activity envelope around the card (ids, conversation, serviceUrl).</summary>
    public const int EnvelopeAllowance = 2 * 1024;

    public const int MaxCardBytes = MaxActivityBytes - EnvelopeAllowance;

    private const int MaxTextLength = 4000;
    private const int MaxCellLength = 300;

    /// <summary>
    /// The element id that marks a message as <paramref name="mark"/>:
    /// <c>chatbackup_message:{operationId}:{purpose}</c>. Teams keeps the card JSON as sent, so the id
    /// is readable in Microsoft Graph's <c>chatMessage.attachments[].content</c>.
    /// </summary>
    public static string MarkId(MessageMark mark) => $"{MessageMark.EventType}:{mark.OperationId}:{mark.Purpose}";

    /// <summary>
    /// Renders <paramref name="card"/>; with a <paramref name="mark"/>, the first body element carries
    /// <see cref="MarkId"/> as its <c>id</c> (invisible to users).
    /// </summary>
    public AdaptiveCard Render(Card card, MessageMark? mark = null)
    {
        var markId = mark is null ? null : MarkId(mark);
        var rendered = Build(card, tableRowLimit: null, markId);
        var fullSize = Size(rendered);
        if (fullSize <= MaxCardBytes)
        {
            return rendered;
        }

        // Binary search for the most rows that fit; the rest are summarised in one line.
        var totalRows = card.Blocks.OfType<TableBlock>().Select(t => t.Rows.Count).DefaultIfEmpty(0).Max();
        int low = 0, high = totalRows;
        while (low < high)
        {
            var mid = (low + high + 1) / 2;
            if (Size(Build(card, mid, markId)) <= MaxCardBytes)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }

        var fitted = Build(card, low, markId);
        logger.CardTruncated(fullSize, totalRows - low);
        return fitted;
    }

    /// <summary>The card as an activity attachment.</summary>
    public Attachment RenderAttachment(Card card, MessageMark? mark = null) => new(Attachment.AdaptiveCardContentType, Render(card, mark));

    public static int Size(AdaptiveCard card) => JsonSerializer.SerializeToUtf8Bytes(card, BotJson.Options).Length;

    private static AdaptiveCard Build(Card card, int? tableRowLimit, string? markId)
    {
        var body = new List<AdaptiveElement>
        {
            new TextBlock(Clip(card.Title, MaxTextLength))
            {
                Id = markId,
                Size = TextSize.Medium,
                Weight = TextWeight.Bolder,
                Color = ToneColor(card.Tone),
                Wrap = true,
            },
        };

        var separateNext = false;
        foreach (var block in card.Blocks)
        {
            if (block is DividerBlock)
            {
                separateNext = true;
                continue;
            }

            var elements = Elements(block, tableRowLimit).ToList();
            if (separateNext && elements.Count > 0)
            {
                elements[0] = elements[0] with { Separator = true, Spacing = Spacing.Medium };
                separateNext = false;
            }

            body.AddRange(elements);
        }

        foreach (var button in card.Buttons.Where(b => b.Confirm is not null))
        {
            body.Add(new TextBlock(Clip($"{button.Label}: {button.Confirm!.Text}", MaxTextLength)) { Wrap = true, IsSubtle = true, Size = TextSize.Small });
        }

        return new AdaptiveCard
        {
            Body = body,
            Actions = card.Buttons.Count == 0 ? null : card.Buttons.Select(Action).ToList(),
            FallbackText = Clip(card.FallbackText, MaxTextLength),
        };
    }

    private static IEnumerable<AdaptiveElement> Elements(CardBlock block, int? tableRowLimit)
    {
        switch (block)
        {
            case CoreTextBlock text:
                yield return Text(text);
                break;
            case FactsBlock facts:
                yield return new FactSet(facts.Facts.Select(f => new AdaptiveFact(Clip(f.Label, MaxCellLength), Clip(f.Value, MaxTextLength))).ToList());
                break;
            case ProgressBlock progress:
                yield return new TextBlock(progress.Bar) { FontType = FontType.Monospace, Wrap = true };
                if (!string.IsNullOrEmpty(progress.Caption))
                {
                    yield return new TextBlock(Clip(progress.Caption, MaxTextLength)) { IsSubtle = true, Wrap = true, Spacing = Spacing.Small };
                }

                break;
            case TableBlock table:
                foreach (var element in RenderTable(table, tableRowLimit))
                {
                    yield return element;
                }

                break;
            case ContextBlock context:
                yield return new TextBlock(Clip(context.Text, MaxTextLength)) { Size = TextSize.Small, IsSubtle = true, Wrap = true };
                break;
            default:
                throw new NotSupportedException($"No Adaptive Card rendering for {block.GetType().Name}.");
        }
    }

    private static TextBlock Text(CoreTextBlock text)
    {
        var rendered = new TextBlock(Clip(text.Text, MaxTextLength)) { Wrap = true };
        return text.Style switch
        {
            TextStyle.Subtle => rendered with { IsSubtle = true },
            TextStyle.Emphasis => rendered with { Weight = TextWeight.Bolder },
            TextStyle.Monospace => rendered with { FontType = FontType.Monospace },
            _ => rendered,
        };
    }

    private static IEnumerable<AdaptiveElement> RenderTable(TableBlock table, int? rowLimit)
    {
        var shown = rowLimit is { } limit ? table.Rows.Take(limit).ToList() : table.Rows;
        var columnCount = Math.Max(table.Columns.Count, 1);
        var rows = new List<TableRow> { new(table.Columns.Select(c => Cell(c, header: true)).ToList()) };
        rows.AddRange(shown.Select(r => new TableRow(Enumerable.Range(0, columnCount).Select(i => Cell(i < r.Count ? r[i] : string.Empty, header: false)).ToList())));

        yield return new Table(Enumerable.Repeat(new TableColumnDefinition(1), columnCount).ToList(), rows)
        {
            FirstRowAsHeaders = true,
            ShowGridLines = false,
        };

        var hidden = table.Rows.Count - shown.Count;
        if (hidden > 0)
        {
            yield return new TextBlock($"… and {hidden} more") { IsSubtle = true, Wrap = true };
        }
    }

    private static TableCell Cell(string text, bool header) =>
        new([new TextBlock(Clip(text, MaxCellLength)) { Wrap = true, Weight = header ? TextWeight.Bolder : null }]);

    private static AdaptiveAction Action(CardButton button)
    {
        // Clients older than Universal Actions fall back to Action.Submit, which arrives as a message
        // whose value carries the verb too.
        var data = new Dictionary<string, string> { [TeamsCardData.OperationId] = button.Value };
        var submitData = new Dictionary<string, string> { [TeamsCardData.OperationId] = button.Value, [TeamsCardData.Verb] = button.ActionId };
        return new ActionExecute(button.Label, button.ActionId, data)
        {
            Fallback = new ActionSubmit(button.Label, submitData),
        };
    }

    private static TextColor? ToneColor(CardTone tone) => tone switch
    {
        CardTone.InProgress => TextColor.Accent,
        CardTone.Success => TextColor.Good,
        CardTone.Warning => TextColor.Warning,
        CardTone.Danger => TextColor.Attention,
        _ => null,
    };

    /// <summary>
    /// Shortens to <paramref name="max"/> and keeps angle brackets from being read as markup: Teams
    /// clients treat <c>&lt;instance&gt;</c> in a TextBlock as an HTML tag and drop it (the usage lines
    /// of the help card lost every placeholder), and TextBlocks do not decode entities, so the
    /// brackets become the look-alike ‹ › characters.
    /// </summary>
    private static string Clip(string text, int max)
    {
        var safe = text.Replace('<', '‹').Replace('>', '›');
        return safe.Length <= max ? safe : string.Concat(safe.AsSpan(0, max - 1), "…");
    }
}

/// <summary>Keys of the data a ChatBackup button sends back.</summary>
public static class TeamsCardData
{
    public const string OperationId = "operationId";

    /// <summary>Only in the Action.Submit fallback, which has no verb of its own.</summary>
    public const string Verb = "verb";
}
