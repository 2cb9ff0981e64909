using System.Text;
using System.Text.Json.Nodes;

namespace ChatBackup.IntegrationTests.Infrastructure;

/// <summary>What a person would read in a Slack message: every text field, with Slack's escapes undone.</summary>
public static class SlackText
{
    public static string Visible(JsonNode? message)
    {
        var text = new StringBuilder();
        Collect(message, text);
        return text.ToString().Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
    }

    private static void Collect(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "text" && value is JsonValue v && v.TryGetValue<string>(out var s))
                    {
                        text.AppendLine(s);
                    }
                    else
                    {
                        Collect(value, text);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, text);
                }

                break;
        }
    }
}
