using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatBackup.Slack.Interactions;

namespace ChatBackup.Slack.SlackClient;

/// <summary>The one serializer setup for everything sent to or read from Slack.</summary>
internal static class SlackJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

        // Metadata generated at build time instead of reflected at run time.
        TypeInfoResolver = SlackJsonContext.Default,

        // Slack reads JSON, never HTML: '<', '>', '&' (in every escaped mrkdwn text), backticks and
        // non-ASCII need no \uXXXX. Quotes, backslashes and control characters are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SlackResponseMessage))]
[JsonSerializable(typeof(PostMessageRequest))]
[JsonSerializable(typeof(UpdateRequest))]
[JsonSerializable(typeof(PostEphemeralRequest))]
[JsonSerializable(typeof(SlackApiResponse))]
[JsonSerializable(typeof(InteractionPayload))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class SlackJsonContext : JsonSerializerContext;
