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
    [property: JsonPropertyName("reply_broadcast")] bool? ReplyBroadcast);

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

/// <summary>The fields of a Web API answer that we read; every method answers with <c>ok</c>.</summary>
internal sealed record SlackApiResponse(
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("needed")] string? Needed = null,
    [property: JsonPropertyName("provided")] string? Provided = null,
    [property: JsonPropertyName("channel")] string? Channel = null,
    [property: JsonPropertyName("ts")] string? Ts = null,
    [property: JsonPropertyName("message_ts")] string? MessageTs = null);
