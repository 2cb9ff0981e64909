using System.Text.Json;
using System.Text.Json.Serialization;
using ChatBackup.Slack.BlockKit;

namespace ChatBackup.Slack.SlackClient;

/// <summary>
/// A message sent to a <c>response_url</c> or returned as a slash-command answer.
/// See https://docs.slack.dev/interactivity/handling-user-interaction#message_responses.
/// </summary>
public sealed record SlackResponseMessage(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("blocks")] IReadOnlyList<Block>? Blocks = null,
    [property: JsonPropertyName("response_type")] string? ResponseType = null,
    [property: JsonPropertyName("replace_original")] bool? ReplaceOriginal = null,
    [property: JsonPropertyName("delete_original")] bool? DeleteOriginal = null,
    [property: JsonPropertyName("thread_ts")] string? ThreadTs = null)
{
    public const string Ephemeral = "ephemeral";
    public const string InChannel = "in_channel";
}

internal sealed record PostMessageRequest(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("blocks")] IReadOnlyList<Block>? Blocks,
    [property: JsonPropertyName("thread_ts")] string? ThreadTs,
    [property: JsonPropertyName("reply_broadcast")] bool? ReplyBroadcast,
    [property: JsonPropertyName("metadata")] SlackMessageMetadata? Metadata);

internal sealed record UpdateRequest(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("ts")] string Ts,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("blocks")] IReadOnlyList<Block>? Blocks);

internal sealed record PostEphemeralRequest(
    [property: JsonPropertyName("channel")] string Channel,
    [property: JsonPropertyName("user")] string User,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("blocks")] IReadOnlyList<Block>? Blocks);

/// <summary>
/// Message metadata (https://docs.slack.dev/messaging/message-metadata): sent with <c>chat.postMessage</c>,
/// read back by <c>conversations.history</c>/<c>conversations.replies</c> with <c>include_all_metadata</c>.
/// </summary>
public sealed record SlackMessageMetadata(
    [property: JsonPropertyName("event_type")] string EventType,
    [property: JsonPropertyName("event_payload")] JsonElement EventPayload)
{
    /// <summary>Metadata whose payload is the given string fields.</summary>
    public static SlackMessageMetadata Of(string eventType, IReadOnlyDictionary<string, string> payload) =>
        new(eventType, JsonSerializer.SerializeToElement(payload, SlackJson.Options));

    /// <summary>A string field of the payload; null when absent or not a string (other apps' payloads are free-form).</summary>
    public string? PayloadString(string name) =>
        EventPayload.ValueKind == JsonValueKind.Object
        && EventPayload.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>The fields of a message in <c>conversations.history</c>/<c>conversations.replies</c> that we read.</summary>
public sealed record SlackHistoryMessage(
    [property: JsonPropertyName("ts")] string? Ts,
    [property: JsonPropertyName("metadata")] SlackMessageMetadata? Metadata = null);

/// <summary>One page of messages; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record SlackMessagePage(IReadOnlyList<SlackHistoryMessage> Messages, string? NextCursor);

internal sealed record SlackResponseMetadata(
    [property: JsonPropertyName("next_cursor")] string? NextCursor = null);

/// <summary>The fields of a Web API answer that we read; every method answers with <c>ok</c>.</summary>
internal sealed record SlackApiResponse(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("needed")] string? Needed = null,
    [property: JsonPropertyName("provided")] string? Provided = null,
    [property: JsonPropertyName("channel")] string? Channel = null,
    [property: JsonPropertyName("ts")] string? Ts = null,
    [property: JsonPropertyName("message_ts")] string? MessageTs = null,
    [property: JsonPropertyName("messages")] IReadOnlyList<SlackHistoryMessage>? Messages = null,
    [property: JsonPropertyName("response_metadata")] SlackResponseMetadata? ResponseMetadata = null);
