using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatBackup.Teams.Activities;

/// <summary>
/// The subset of the Bot Framework Activity the bot reads and sends
/// (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference#activity-object).
/// </summary>
public sealed record Activity
{
    public string? Type { get; init; }

    public string? Id { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public string? ServiceUrl { get; init; }

    public string? ChannelId { get; init; }

    public ChannelAccount? From { get; init; }

    public ChannelAccount? Recipient { get; init; }

    public ConversationAccount? Conversation { get; init; }

    public string? ReplyToId { get; init; }

    public string? Text { get; init; }

    public string? TextFormat { get; init; }

    /// <summary>Notification text some clients show for a card-only message.</summary>
    public string? Summary { get; init; }

    /// <summary>Invoke payload, or the data of an <c>Action.Submit</c>.</summary>
    public JsonElement? Value { get; init; }

    /// <summary>Invoke name (<c>adaptiveCard/action</c>).</summary>
    public string? Name { get; init; }

    /// <summary><c>installationUpdate</c>: <c>add</c> or <c>remove</c>.</summary>
    public string? Action { get; init; }

    public IReadOnlyList<JsonElement>? Entities { get; init; }

    public IReadOnlyList<Attachment>? Attachments { get; init; }

    public IReadOnlyList<ChannelAccount>? MembersAdded { get; init; }

    public TeamsChannelData? ChannelData { get; init; }
}

public sealed record ChannelAccount(string? Id, string? Name = null, string? AadObjectId = null);

public sealed record ConversationAccount(string? Id, string? ConversationType = null, bool? IsGroup = null, string? TenantId = null, string? Name = null);

/// <summary>An attachment; <see cref="Content"/> is an Adaptive Card when <see cref="ContentType"/> is <see cref="AdaptiveCardContentType"/>.</summary>
public sealed record Attachment(string ContentType, object? Content)
{
    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";
}

public sealed record TeamsChannelData(TeamsEntity? Tenant = null, TeamsEntity? Team = null, TeamsEntity? Channel = null);

/// <summary>A tenant, team or channel in <c>channelData</c>; a team also carries its Entra group id (<c>aadGroupId</c>), which Graph uses.</summary>
public sealed record TeamsEntity(string? Id, string? Name = null, string? AadGroupId = null);

/// <summary>The body of an HTTP 200 answer to an invoke (https://learn.microsoft.com/adaptive-cards/authoring-cards/universal-action-model#response-format).</summary>
public sealed record InvokeResponse(int StatusCode, string Type, object Value)
{
    public const string CardType = Attachment.AdaptiveCardContentType;
    public const string MessageType = "application/vnd.microsoft.activity.message";
    public const string ErrorType = "application/vnd.microsoft.error";
}

public sealed record InvokeError(string Code, string Message);

/// <summary>The Bot Connector's answer to a send, reply or update.</summary>
public sealed record ResourceResponse(string? Id);

/// <summary>JSON settings for everything exchanged with the Bot Framework.</summary>
public static class BotJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
