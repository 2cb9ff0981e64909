using Microsoft.Extensions.Logging;

namespace ChatBackup.Teams;

/// <summary>Every Teams adapter log line. Never pass tokens, secrets or activity bodies.</summary>
internal static partial class TeamsLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Teams is disabled: Teams:AppId is not set (and Teams:AllowAnonymous is false)")]
    public static partial void TeamsDisabled(this ILogger logger);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Teams:AllowAnonymous is on: /api/messages accepts unauthenticated activities. Use this only with the local Agents Playground")]
    public static partial void AnonymousMode(this ILogger logger);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Rejected Bot Framework request with HTTP {Status}: {Reason}")]
    public static partial void RequestRejected(this ILogger logger, int status, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Signing key {KeyId} is unknown; refreshing the Bot Framework metadata")]
    public static partial void RefreshingMetadata(this ILogger logger, string keyId);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Could not read the Bot Framework signing keys from {JwksUri}")]
    public static partial void JwksFailed(this ILogger logger, string jwksUri, Exception exception);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Ignored Teams activity of type {ActivityType}")]
    public static partial void ActivityIgnored(this ILogger logger, string activityType);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Warning, Message = "Malformed Teams activity: {Reason}")]
    public static partial void MalformedActivity(this ILogger logger, string reason);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "Teams command failed (ref {ErrorRef})")]
    public static partial void CommandFailed(this ILogger logger, string errorRef, Exception exception);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "Teams command did not finish within the response budget (ref {ErrorRef})")]
    public static partial void CommandTimedOut(this ILogger logger, string errorRef);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Warning, Message = "Could not deliver the {What} to Teams conversation {ConversationId}")]
    public static partial void ReplyFailed(this ILogger logger, string what, string conversationId, Exception exception);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Warning, Message = "Ignored Teams card action with unknown verb {Verb}")]
    public static partial void UnknownVerb(this ILogger logger, string verb);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Error, Message = "Teams card action failed (ref {ErrorRef})")]
    public static partial void ActionFailed(this ILogger logger, string errorRef, Exception exception);

    [LoggerMessage(EventId = 5017, Level = LogLevel.Information, Message = "Unhandled Teams invoke {InvokeName}")]
    public static partial void InvokeNotImplemented(this ILogger logger, string invokeName);

    [LoggerMessage(EventId = 5018, Level = LogLevel.Information, Message = "ChatBackup was added to Teams conversation {ConversationId}")]
    public static partial void BotInstalled(this ILogger logger, string conversationId);

    [LoggerMessage(EventId = 5030, Level = LogLevel.Warning, Message = "Bot Connector {Operation} answered HTTP {Status}; retry {Attempt} in {Delay}")]
    public static partial void ConnectorRetry(this ILogger logger, string operation, int status, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 5031, Level = LogLevel.Warning, Message = "Bot Connector {Operation} failed with HTTP {Status} {Code} (correlation {CorrelationId})")]
    public static partial void ConnectorFailed(this ILogger logger, string operation, int status, string code, string? correlationId);

    [LoggerMessage(EventId = 5032, Level = LogLevel.Warning, Message = "Refused to send a bot token to untrusted service URL host {Host}")]
    public static partial void UntrustedServiceUrl(this ILogger logger, string host);

    [LoggerMessage(EventId = 5033, Level = LogLevel.Information, Message = "Card for the Teams activity was {Bytes} bytes; dropped {Rows} table rows to stay under the message size limit")]
    public static partial void CardTruncated(this ILogger logger, int bytes, int rows);

    [LoggerMessage(EventId = 5040, Level = LogLevel.Warning, Message = "Cannot look up lost Teams posts in {Where}: {Reason}. A post whose answer was lost there is sent again")]
    public static partial void CannotFindLostPosts(this ILogger logger, string where, string reason);

    [LoggerMessage(EventId = 5041, Level = LogLevel.Warning, Message = "Microsoft Graph answered HTTP {Status} {Code} when looking up a lost post in {Where}: the app needs the resource-specific permission {Permission} there (install the app package from the current manifest). Until then a post whose answer was lost is sent again")]
    public static partial void GraphPermissionMissing(this ILogger logger, string where, int status, string code, string permission);

    [LoggerMessage(EventId = 5042, Level = LogLevel.Warning, Message = "Microsoft Graph look-up of a lost post in {Where} failed with HTTP {Status} {Code}; the post is sent again")]
    public static partial void GraphLookupFailed(this ILogger logger, string where, int status, string code);

    [LoggerMessage(EventId = 5043, Level = LogLevel.Warning, Message = "Refused to follow a Microsoft Graph next link to host {Host}: it is not under Teams:GraphBaseUrl, and the Graph token goes nowhere else")]
    public static partial void ForeignNextLink(this ILogger logger, string host);

    [LoggerMessage(EventId = 5044, Level = LogLevel.Warning, Message = "Could not get a Microsoft Graph token in tenant {TenantId} ({ErrorCode}); lost posts cannot be looked up there")]
    public static partial void GraphTokenFailed(this ILogger logger, string tenantId, string errorCode);

    [LoggerMessage(EventId = 5045, Level = LogLevel.Information, Message = "Found Teams message {MessageId} posted earlier for operation {OperationId} ({Purpose}); not posting it again")]
    public static partial void LostPostFound(this ILogger logger, string messageId, string operationId, string purpose);

    [LoggerMessage(EventId = 5046, Level = LogLevel.Warning, Message = "Stopped looking for a lost post in {Where} after {Pages} pages of Microsoft Graph results")]
    public static partial void LostPostSearchExhausted(this ILogger logger, string where, int pages);
}
