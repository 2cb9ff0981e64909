using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ChatBackup.Testing.Slack;

/// <summary>The form fields of a <c>/backup</c> slash command; defaults describe a plausible request.</summary>
public sealed record SlackCommandFields(
    string Text,
    string? UserId = "U0123ALICE",
    string? UserName = "alice",
    string? ChannelId = "C0123OPS",
    string? TeamId = "T0123TEAM",
    string? TriggerId = "1234567890.98765.abcdef",
    string? ResponseUrl = null,
    string Command = "/backup");

/// <summary>Builds requests signed the way Slack signs them (v0 HMAC-SHA256), at a chosen time.</summary>
public sealed class SlackRequestSigner(string signingSecret, TimeProvider? timeProvider = null)
{
    public const string CommandsPath = "/slack/commands";
    public const string InteractionsPath = "/slack/interactions";

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    public string SigningSecret => signingSecret;

    public HttpRequestMessage Command(SlackCommandFields fields, DateTimeOffset? at = null) =>
        Form(CommandsPath, CommandForm(fields), at);

    public HttpRequestMessage Command(string text, DateTimeOffset? at = null) => Command(new SlackCommandFields(text), at);

    public HttpRequestMessage Interaction(string payloadJson, DateTimeOffset? at = null) =>
        Form(InteractionsPath, [new("payload", payloadJson)], at);

    public HttpRequestMessage Interaction(JsonNode payload, DateTimeOffset? at = null) =>
        Interaction(payload.ToJsonString(), at);

    /// <summary>A form post to <paramref name="path"/>; null values are left out.</summary>
    public HttpRequestMessage Form(string path, IEnumerable<KeyValuePair<string, string?>> fields, DateTimeOffset? at = null)
    {
        var body = string.Join('&', fields
            .Where(f => f.Value is not null)
            .Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value!)}"));
        return Sign(path, Encoding.UTF8.GetBytes(body), "application/x-www-form-urlencoded", at);
    }

    /// <summary>A signed POST of exactly <paramref name="body"/>, timestamped <paramref name="at"/> (default: now).</summary>
    public HttpRequestMessage Sign(string path, byte[] body, string contentType, DateTimeOffset? at = null)
    {
        var timestamp = (at ?? _time.GetUtcNow()).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.RelativeOrAbsolute)) { Content = content };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", Signature(signingSecret, timestamp, body));
        return request;
    }

    public static string Signature(string secret, string timestamp, byte[] body)
    {
        var data = Encoding.UTF8.GetBytes($"v0:{timestamp}:").Concat(body).ToArray();
        return "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
    }

    public static IEnumerable<KeyValuePair<string, string?>> CommandForm(SlackCommandFields fields) =>
    [
        new("token", "deprecated-verification-token"),
        new("team_id", fields.TeamId),
        new("team_domain", "example"),
        new("channel_id", fields.ChannelId),
        new("channel_name", "ops"),
        new("user_id", fields.UserId),
        new("user_name", fields.UserName),
        new("command", fields.Command),
        new("text", fields.Text),
        new("response_url", fields.ResponseUrl),
        new("trigger_id", fields.TriggerId),
    ];

    /// <summary>A <c>block_actions</c> payload for a click on a button of a channel message.</summary>
    public static JsonObject BlockActionsPayload(
        string actionId,
        string value,
        string userId = "U0456BOB",
        string userName = "bob",
        string channelId = "C0123OPS",
        string? messageTs = "1700000000.000100",
        string? responseUrl = null,
        string teamId = "T0123TEAM",
        string actionTs = "1700000001.000200",
        bool isEphemeral = false)
    {
        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = new JsonObject { ["id"] = teamId, ["domain"] = "example" },
            ["user"] = new JsonObject { ["id"] = userId, ["username"] = userName, ["name"] = userName, ["team_id"] = teamId },
            ["api_app_id"] = "A0123",
            ["trigger_id"] = "1234567890.98765.fedcba",
            ["container"] = new JsonObject
            {
                ["type"] = "message",
                ["message_ts"] = messageTs,
                ["channel_id"] = channelId,
                ["is_ephemeral"] = isEphemeral,
            },
            ["channel"] = new JsonObject { ["id"] = channelId, ["name"] = "ops" },
            ["response_url"] = responseUrl,
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "button",
                ["action_id"] = actionId,
                ["block_id"] = "b1",
                ["value"] = value,
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Approve" },
                ["action_ts"] = actionTs,
            }),
        };
        return payload;
    }
}
