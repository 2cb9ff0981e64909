namespace ChatBackup.Core.Cards;

/// <summary>How a card should feel: the renderers map it to colour, emoji or style.</summary>
public enum CardTone
{
    Neutral,
    InProgress,
    Success,
    Warning,
    Danger,
}

/// <summary>
/// A platform-neutral message. Renderers turn it into Block Kit (Slack) or an Adaptive Card
/// (Teams). All text is plain: renderers escape it for their platform.
/// </summary>
/// <param name="Title">One line heading.</param>
/// <param name="Tone">Overall status.</param>
/// <param name="Blocks">The body, top to bottom.</param>
/// <param name="FallbackText">What notifications and screen readers show.</param>
/// <param name="Buttons">Buttons at the bottom; empty when the card needs no decision.</param>
public sealed record Card(
    string Title,
    CardTone Tone,
    IReadOnlyList<CardBlock> Blocks,
    string FallbackText,
    IReadOnlyList<CardButton> Buttons)
{
    public Card(string title, CardTone tone, IReadOnlyList<CardBlock> blocks, string fallbackText)
        : this(title, tone, blocks, fallbackText, [])
    {
    }
}

public abstract record CardBlock;

public enum TextStyle
{
    Normal,
    Subtle,
    Emphasis,
    Monospace,
}

/// <summary>A paragraph of plain text.</summary>
public sealed record TextBlock(string Text, TextStyle Style = TextStyle.Normal) : CardBlock;

/// <summary>Label/value pairs (ids, region, size, requester…).</summary>
public sealed record FactsBlock(IReadOnlyList<Fact> Facts) : CardBlock;

public sealed record Fact(string Label, string Value);

/// <summary>A progress bar with its percentage and an optional caption.</summary>
public sealed record ProgressBlock(int Percent, string? Caption = null) : CardBlock
{
    /// <summary>A text bar such as <c>▰▰▰▰▱▱▱▱▱▱ 40%</c>, for platforms without a native one.</summary>
    public string Bar
    {
        get
        {
            var clamped = Math.Clamp(Percent, 0, 100);
            var filled = clamped / 10;
            return new string('▰', filled) + new string('▱', 10 - filled) + $" {clamped}%";
        }
    }
}

/// <summary>Rows of a listing (AMIs, snapshots, operations), first row the column titles.</summary>
public sealed record TableBlock(IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows) : CardBlock;

/// <summary>Small print at the bottom: operation id, timestamps.</summary>
public sealed record ContextBlock(string Text) : CardBlock;

public sealed record DividerBlock : CardBlock;

public enum ButtonStyle
{
    Default,
    Primary,
    Danger,
}

/// <summary>A button. <see cref="ActionId"/> is one of <see cref="CardActions"/>; <see cref="Value"/> is the operation id.</summary>
public sealed record CardButton(string ActionId, string Label, string Value, ButtonStyle Style = ButtonStyle.Default, ConfirmDialog? Confirm = null);

public sealed record ConfirmDialog(string Title, string Text, string ConfirmLabel, string DenyLabel);

/// <summary>Action ids (Slack <c>action_id</c>, Teams <c>verb</c>) shared by every platform.</summary>
public static class CardActions
{
    public const string Approve = "chatbackup.approve";
    public const string Reject = "chatbackup.reject";
    public const string Cancel = "chatbackup.cancel";
    public const string Refresh = "chatbackup.refresh";
}
