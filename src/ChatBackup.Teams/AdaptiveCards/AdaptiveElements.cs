using System.Text.Json.Serialization;

namespace ChatBackup.Teams.AdaptiveCards;

/// <summary>
/// The Adaptive Card 1.5 subset the bot sends (https://adaptivecards.io/explorer/). Property names
/// serialise camelCase and enums as camelCase strings through <see cref="Activities.BotJson"/>.
/// </summary>
public sealed record AdaptiveCard
{
    public const string SchemaUrl = "http://adaptivecards.io/schemas/adaptive-card.json";

    [JsonPropertyOrder(-2)]
    public string Type { get; init; } = "AdaptiveCard";

    [JsonPropertyName("$schema")]
    [JsonPropertyOrder(-1)]
    public string Schema { get; init; } = SchemaUrl;

    /// <summary>Teams renders bot cards up to 1.5.</summary>
    public string Version { get; init; } = "1.5";

    public required IReadOnlyList<AdaptiveElement> Body { get; init; }

    public IReadOnlyList<AdaptiveAction>? Actions { get; init; }

    public string? FallbackText { get; init; }
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextBlock), "TextBlock")]
[JsonDerivedType(typeof(FactSet), "FactSet")]
[JsonDerivedType(typeof(ColumnSet), "ColumnSet")]
[JsonDerivedType(typeof(Container), "Container")]
[JsonDerivedType(typeof(ActionSet), "ActionSet")]
[JsonDerivedType(typeof(Table), "Table")]
public abstract record AdaptiveElement
{
    /// <summary>The element's id; the bot uses it only to mark a message so it can be found again (see <see cref="AdaptiveCardRenderer.MarkId"/>).</summary>
    [JsonPropertyOrder(-1)]
    public string? Id { get; init; }

    /// <summary>Draws a line above the element.</summary>
    public bool? Separator { get; init; }

    public Spacing? Spacing { get; init; }
}

public enum Spacing
{
    None,
    Small,
    Default,
    Medium,
    Large,
}

public enum TextSize
{
    Small,
    Default,
    Medium,
    Large,
}

public enum TextWeight
{
    Lighter,
    Default,
    Bolder,
}

public enum TextColor
{
    Default,
    Accent,
    Good,
    Warning,
    Attention,
}

public enum FontType
{
    Default,
    Monospace,
}

public enum ContainerStyle
{
    Default,
    Emphasis,
    Accent,
    Good,
    Attention,
    Warning,
}

public sealed record TextBlock(string Text) : AdaptiveElement
{
    public bool? Wrap { get; init; }

    public TextSize? Size { get; init; }

    public TextWeight? Weight { get; init; }

    public TextColor? Color { get; init; }

    public bool? IsSubtle { get; init; }

    public FontType? FontType { get; init; }

    public int? MaxLines { get; init; }
}

public sealed record FactSet(IReadOnlyList<AdaptiveFact> Facts) : AdaptiveElement;

public sealed record AdaptiveFact(string Title, string Value);

public sealed record ColumnSet(IReadOnlyList<Column> Columns) : AdaptiveElement;

/// <summary>A column; <see cref="Width"/> is <c>auto</c>, <c>stretch</c> or a weight such as <c>"2"</c>.</summary>
public sealed record Column(IReadOnlyList<AdaptiveElement> Items)
{
    public string Type { get; init; } = "Column";

    public string? Width { get; init; }
}

public sealed record Container(IReadOnlyList<AdaptiveElement> Items) : AdaptiveElement
{
    public ContainerStyle? Style { get; init; }
}

public sealed record ActionSet(IReadOnlyList<AdaptiveAction> Actions) : AdaptiveElement;

/// <summary>The 1.5 Table element; the first row holds the column titles.</summary>
public sealed record Table(IReadOnlyList<TableColumnDefinition> Columns, IReadOnlyList<TableRow> Rows) : AdaptiveElement
{
    public bool? FirstRowAsHeaders { get; init; }

    public bool? ShowGridLines { get; init; }
}

public sealed record TableColumnDefinition(int Width);

public sealed record TableRow(IReadOnlyList<TableCell> Cells)
{
    public string Type { get; init; } = "TableRow";
}

public sealed record TableCell(IReadOnlyList<AdaptiveElement> Items)
{
    public string Type { get; init; } = "TableCell";
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ActionExecute), "Action.Execute")]
[JsonDerivedType(typeof(ActionSubmit), "Action.Submit")]
[JsonDerivedType(typeof(ActionOpenUrl), "Action.OpenUrl")]
public abstract record AdaptiveAction(string Title);

/// <summary>
/// A Universal Action: Teams sends an <c>adaptiveCard/action</c> invoke with <see cref="Verb"/> and
/// <see cref="Data"/>. <see cref="Fallback"/> is what clients without 1.4 show.
/// </summary>
public sealed record ActionExecute(string Title, string Verb, IReadOnlyDictionary<string, string> Data) : AdaptiveAction(Title)
{
    public AdaptiveAction? Fallback { get; init; }
}

/// <summary>Sends a <c>message</c> activity whose <c>value</c> is <see cref="Data"/>.</summary>
public sealed record ActionSubmit(string Title, IReadOnlyDictionary<string, string> Data) : AdaptiveAction(Title);

public sealed record ActionOpenUrl(string Title, Uri Url) : AdaptiveAction(Title);
