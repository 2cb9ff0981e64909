using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatBackup.Slack.SlackClient;

/// <summary>The one serializer setup for everything sent to or read from Slack.</summary>
internal static class SlackJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
