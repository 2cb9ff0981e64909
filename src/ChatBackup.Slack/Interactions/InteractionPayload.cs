using System.Text.Json.Serialization;

namespace ChatBackup.Slack.Interactions;

/// <summary>The parts of an interaction payload we read. See https://docs.slack.dev/reference/interaction-payloads/block_actions-payload.</summary>
internal sealed record InteractionPayload(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("team")] PayloadTeam? Team,
    [property: JsonPropertyName("user")] PayloadUser? User,
    [property: JsonPropertyName("container")] PayloadContainer? Container,
    [property: JsonPropertyName("channel")] PayloadChannel? Channel,
    [property: JsonPropertyName("response_url")] string? ResponseUrl,
    [property: JsonPropertyName("actions")] IReadOnlyList<PayloadAction>? Actions);

internal sealed record PayloadTeam([property: JsonPropertyName("id")] string? Id);

internal sealed record PayloadUser(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("username")] string? Username,
    [property: JsonPropertyName("team_id")] string? TeamId);

internal sealed record PayloadContainer(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("message_ts")] string? MessageTs,
    [property: JsonPropertyName("channel_id")] string? ChannelId,
    [property: JsonPropertyName("is_ephemeral")] bool? IsEphemeral);

internal sealed record PayloadChannel([property: JsonPropertyName("id")] string? Id);

internal sealed record PayloadAction(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("action_id")] string? ActionId,
    [property: JsonPropertyName("block_id")] string? BlockId,
    [property: JsonPropertyName("value")] string? Value,
    [property: JsonPropertyName("action_ts")] string? ActionTs);
