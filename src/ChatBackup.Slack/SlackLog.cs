using Microsoft.Extensions.Logging;

namespace ChatBackup.Slack;

/// <summary>Every Slack adapter log line. Never pass secrets, tokens, signatures or request bodies.</summary>
internal static partial class SlackLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Slack is disabled: Slack:SigningSecret is not set")]
    public static partial void SlackDisabled(this ILogger logger);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Rejected Slack request to {Path}: {Reason}")]
    public static partial void RequestRejected(this ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Rejected Slack request to {Path}: body larger than {Limit} bytes")]
    public static partial void BodyTooLarge(this ILogger logger, string path, int limit);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "Slack command failed (ref {ErrorRef})")]
    public static partial void CommandFailed(this ILogger logger, string errorRef, Exception exception);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Slack command did not finish within the response budget (ref {ErrorRef})")]
    public static partial void CommandTimedOut(this ILogger logger, string errorRef);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Slack command without {Field}")]
    public static partial void CommandFieldMissing(this ILogger logger, string field);

    [LoggerMessage(EventId = 4020, Level = LogLevel.Warning, Message = "Malformed Slack interaction payload: {Reason}")]
    public static partial void MalformedInteraction(this ILogger logger, string reason);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Information, Message = "Ignored Slack interaction of type {PayloadType}")]
    public static partial void InteractionIgnored(this ILogger logger, string payloadType);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Warning, Message = "Ignored Slack block action with unknown action_id {ActionId}")]
    public static partial void UnknownAction(this ILogger logger, string actionId);

    [LoggerMessage(EventId = 4023, Level = LogLevel.Error, Message = "Slack interaction failed (ref {ErrorRef})")]
    public static partial void InteractionFailed(this ILogger logger, string errorRef, Exception exception);

    [LoggerMessage(EventId = 4024, Level = LogLevel.Warning, Message = "Slack interaction did not finish within the response budget (ref {ErrorRef})")]
    public static partial void InteractionTimedOut(this ILogger logger, string errorRef);

    [LoggerMessage(EventId = 4025, Level = LogLevel.Warning, Message = "Could not deliver the {What} for a Slack click")]
    public static partial void ReplyDeliveryFailed(this ILogger logger, string what, Exception exception);

    [LoggerMessage(EventId = 4030, Level = LogLevel.Warning, Message = "Slack {Method} answered HTTP {Status}; retry {Attempt} in {Delay}")]
    public static partial void ApiRetry(this ILogger logger, string method, int status, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 4031, Level = LogLevel.Warning, Message = "Slack {Method} failed: {Error}")]
    public static partial void ApiFailed(this ILogger logger, string method, string error);

    [LoggerMessage(EventId = 4040, Level = LogLevel.Warning, Message = "Cannot post in Slack channel {Channel} ({Error}); answering the requester through response_url")]
    public static partial void NotInChannelFallback(this ILogger logger, string channel, string error);

    [LoggerMessage(EventId = 4041, Level = LogLevel.Warning, Message = "Slack response_url delivery of the {What} failed; the URL may have expired or been used up")]
    public static partial void ResponseUrlFailed(this ILogger logger, string what, Exception exception);

    [LoggerMessage(EventId = 4042, Level = LogLevel.Warning, Message = "Cannot deliver the {What} through response_url: the conversation has none")]
    public static partial void NoResponseUrl(this ILogger logger, string what);

    [LoggerMessage(EventId = 4043, Level = LogLevel.Warning, Message = "Cannot look for lost posts in Slack channel {Channel} ({Error}): {Remedy}; or set Slack:FindLostPosts=false. Until then a message whose answer was lost in a crash is posted again")]
    public static partial void CannotLookForLostPosts(this ILogger logger, string channel, string error, string remedy);

    [LoggerMessage(EventId = 4044, Level = LogLevel.Warning, Message = "Read {Pages} pages of Slack channel {Channel} without finding the {Purpose} of operation {OperationId}; it is posted again")]
    public static partial void LookupGaveUp(this ILogger logger, string channel, int pages, string purpose, string operationId);
}
