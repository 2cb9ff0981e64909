using System.Text.Json.Serialization;

namespace ChatBackup.Slack.BlockKit;

/// <summary>A Block Kit layout block. See https://docs.slack.dev/reference/block-kit/blocks.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(HeaderBlock), "header")]
[JsonDerivedType(typeof(SectionBlock), "section")]
[JsonDerivedType(typeof(ContextBlock), "context")]
[JsonDerivedType(typeof(DividerBlock), "divider")]
[JsonDerivedType(typeof(ActionsBlock), "actions")]
public abstract record Block;

public sealed record HeaderBlock([property: JsonPropertyName("text")] TextObject Text) : Block;

public sealed record SectionBlock(
    [property: JsonPropertyName("text")] TextObject? Text = null,
    [property: JsonPropertyName("fields")] IReadOnlyList<TextObject>? Fields = null) : Block;

public sealed record ContextBlock([property: JsonPropertyName("elements")] IReadOnlyList<TextObject> Elements) : Block;

public sealed record DividerBlock : Block;

public sealed record ActionsBlock([property: JsonPropertyName("elements")] IReadOnlyList<ButtonElement> Elements) : Block;

public sealed record ButtonElement(
    [property: JsonPropertyName("text")] TextObject Text,
    [property: JsonPropertyName("action_id")] string ActionId,
    [property: JsonPropertyName("value")] string? Value = null,
    [property: JsonPropertyName("style")] string? Style = null,
    [property: JsonPropertyName("confirm")] ConfirmObject? Confirm = null)
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "button";
}

public sealed record ConfirmObject(
    [property: JsonPropertyName("title")] TextObject Title,
    [property: JsonPropertyName("text")] TextObject Text,
    [property: JsonPropertyName("confirm")] TextObject Confirm,
    [property: JsonPropertyName("deny")] TextObject Deny,
    [property: JsonPropertyName("style")] string? Style = null);

/// <summary>A <c>plain_text</c> or <c>mrkdwn</c> text object; mrkdwn text must already be escaped.</summary>
public sealed record TextObject(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("emoji")] bool? Emoji = null)
{
    public static TextObject Plain(string text) => new("plain_text", text, Emoji: true);

    public static TextObject Mrkdwn(string text) => new("mrkdwn", text);
}

/// <summary>A message ready to send: <c>text</c> is the notification/screen-reader fallback for <c>blocks</c>.</summary>
public sealed record SlackMessage(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("blocks")] IReadOnlyList<Block> Blocks);
