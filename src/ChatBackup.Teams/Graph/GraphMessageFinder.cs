using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ChatBackup.Core.Chat;
using ChatBackup.Core.Operations;
using ChatBackup.Core.Telemetry;
using ChatBackup.Teams.Activities;
using ChatBackup.Teams.AdaptiveCards;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;

namespace ChatBackup.Teams.Graph;

/// <summary>
/// Finds a message the bot posted in Teams by the mark in its card
/// (<see cref="AdaptiveCardRenderer.MarkId"/>), reading the conversation back through Microsoft Graph
/// with the resource-specific permissions of the app manifest:
/// <list type="bullet">
/// <item>channel thread: <c>GET teams/{aadGroupId}/channels/{channelId}/messages/{rootId}/replies</c>
/// (https://learn.microsoft.com/graph/api/chatmessage-list-replies), needs <c>ChannelMessage.Read.Group</c>;</item>
/// <item>channel, top level: <c>GET teams/{aadGroupId}/channels/{channelId}/messages</c>
/// (https://learn.microsoft.com/graph/api/channel-list-messages);</item>
/// <item>group chat: <c>GET chats/{chatId}/messages</c> (https://learn.microsoft.com/graph/api/chat-list-messages),
/// needs <c>ChatMessage.Read.Chat</c>.</item>
/// </list>
/// A Graph message id in a channel or group chat is the Bot Framework activity id, so what is found
/// can be updated like any posted card. Personal chats cannot be read this way (their Graph id is not
/// the conversation id and message ids differ): the answer there is always "not found".
/// </summary>
/// <remarks>
/// Outcomes: the message id; null when there is no such message or the bot cannot look (personal chat,
/// no team group id, permission not granted, the token refused) — the caller posts again; or a retryable
/// <see cref="ChatDeliveryException"/> when Graph is throttling, failing or unreachable — look again
/// later, do not post. The Graph token is only sent to <see cref="TeamsOptions.GraphBaseUrl"/>.
/// </remarks>
public sealed class GraphMessageFinder(
    HttpClient http,
    IGraphTokenProvider tokens,
    GraphWarnings warnings,
    IOptions<TeamsOptions> options,
    TimeProvider timeProvider,
    ILogger<GraphMessageFinder> logger)
{
    /// <summary>Graph's largest page for these lists.</summary>
    public const int PageSize = 50;

    /// <summary>Pages read at most in one look-up; a lost post is recent, so it is on the first pages.</summary>
    public const int MaxPages = 10;

    public const string ChannelPermission = "ChannelMessage.Read.Group";
    public const string ChatPermission = "ChatMessage.Read.Chat";

    /// <summary>How much earlier than <c>since</c> a message may be dated by Teams' clock and still match.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private const string Platform = "teams";
    private const string Method = "graph.find";

    public async Task<string?> FindAsync(
        ConversationRef conversation, string? threadMessageId, MessageMark mark, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var cutoff = since - ClockSkew;
        var lookup = Lookup.For(conversation, threadMessageId, cutoff);
        if (lookup.RelativeUrl is null)
        {
            if (warnings.First($"place:{lookup.Where}:{lookup.Unavailable}"))
            {
                logger.CannotFindLostPosts(lookup.Where, lookup.Unavailable!);
            }

            return null;
        }

        var settings = options.Value;
        var tenant = string.IsNullOrEmpty(settings.TenantId) ? conversation.TenantId : settings.TenantId;
        if (tenant is null || !TeamsOptionsValidator.IsTenant(tenant))
        {
            if (warnings.First($"tenant:{lookup.Where}"))
            {
                logger.CannotFindLostPosts(lookup.Where, "the conversation has no tenant id");
            }

            return null;
        }

        var token = await TokenAsync(tenant, cancellationToken);
        if (token is null)
        {
            return null;
        }

        var baseUri = BaseUri(settings.GraphBaseUrl);
        var markId = AdaptiveCardRenderer.MarkId(mark);
        Uri? next = new(baseUri, lookup.RelativeUrl);
        for (var page = 1; next is not null; page++)
        {
            if (page > MaxPages)
            {
                logger.LostPostSearchExhausted(lookup.Where, MaxPages);
                return null;
            }

            if (await GetPageAsync(next, token, lookup, cancellationToken) is not { } result)
            {
                return null;
            }

            if (result.Messages.FirstOrDefault(m => IsMarked(m, markId, settings.AppId, cutoff)) is { ValueKind: JsonValueKind.Object } found)
            {
                var id = found.GetProperty("id").GetString()!;
                logger.LostPostFound(id, mark.OperationId, mark.Purpose);
                return id;
            }

            // Graph lists newest first, so once a whole page is older than the cutoff nothing later can match.
            if (result.Messages.Count > 0 && result.Messages.All(m => LastChanged(m) is { } changed && changed < cutoff))
            {
                return null;
            }

            next = null;
            if (result.NextLink is { } link)
            {
                if (!Uri.TryCreate(link, UriKind.Absolute, out var nextUri) || !IsUnder(baseUri, nextUri))
                {
                    logger.ForeignNextLink(Uri.TryCreate(link, UriKind.Absolute, out var shown) ? shown.Host : "(not a URL)");
                    return null;
                }

                next = nextUri;
            }
        }

        return null;
    }

    private async Task<string?> TokenAsync(string tenant, CancellationToken cancellationToken)
    {
        try
        {
            return await tokens.GetTokenAsync(tenant, cancellationToken);
        }
        catch (MsalException e) when (e is MsalServiceException { StatusCode: 429 or >= 500 }
                                      || e.ErrorCode is MsalError.ServiceNotAvailable or MsalError.RequestTimeout
                                      || e.InnerException is HttpRequestException)
        {
            throw new ChatDeliveryException("TokenUnavailable", $"Could not get a Microsoft Graph token: {e.ErrorCode}", isRetryable: true, inner: e);
        }
        catch (MsalException e)
        {
            if (warnings.First($"token:{tenant}:{e.ErrorCode}"))
            {
                logger.GraphTokenFailed(tenant, e.ErrorCode);
            }

            return null;
        }
        catch (HttpRequestException e)
        {
            throw new ChatDeliveryException("NetworkError", e.Message, isRetryable: true, inner: e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ChatDeliveryException("Timeout", "The token service did not answer in time.", isRetryable: true, inner: e);
        }
    }

    /// <summary>One page of messages, or null when the answer means "cannot look" (already logged).</summary>
    private async Task<Page?> GetPageAsync(Uri uri, string token, Lookup lookup, CancellationToken cancellationToken)
    {
        HttpStatusCode status;
        string body;
        TimeSpan? retryAfter;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request, cancellationToken);
            status = response.StatusCode;
            retryAfter = RetryAfter(response);
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            ChatBackupTelemetry.ChatCall(Platform, Method, "network_error");
            throw new ChatDeliveryException("NetworkError", $"Microsoft Graph could not be reached: {e.Message}", isRetryable: true, inner: e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            ChatBackupTelemetry.ChatCall(Platform, Method, "timeout");
            throw new ChatDeliveryException("Timeout", "Microsoft Graph did not answer in time.", isRetryable: true, inner: e);
        }

        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            if (Parse(body) is { } page)
            {
                ChatBackupTelemetry.ChatCall(Platform, Method, ChatBackupTelemetry.Ok);
                return page;
            }

            ChatBackupTelemetry.ChatCall(Platform, Method, "invalid_response");
            logger.GraphLookupFailed(lookup.Where, code, "InvalidResponse");
            return null;
        }

        var error = ErrorCode(body) ?? $"Http{code}";
        ChatBackupTelemetry.ChatCall(Platform, Method, error);
        if (status == HttpStatusCode.TooManyRequests || code >= 500)
        {
            if (status == HttpStatusCode.TooManyRequests)
            {
                ChatBackupTelemetry.ChatRateLimit(Platform, Method);
            }

            throw new ChatDeliveryException(error, $"Microsoft Graph answered HTTP {code} ({error}) to the look-up of a lost post.", isRetryable: true, retryAfter);
        }

        if (status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            if (warnings.First($"denied:{lookup.Where}"))
            {
                logger.GraphPermissionMissing(lookup.Where, code, error, lookup.Permission);
            }

            return null;
        }

        logger.GraphLookupFailed(lookup.Where, code, error);
        return null;
    }

    private static bool IsMarked(JsonElement message, string markId, string? appId, DateTimeOffset cutoff) =>
        message.ValueKind == JsonValueKind.Object
        && String(message, "id") is { Length: > 0 }
        && !(message.TryGetProperty("deletedDateTime", out var deleted) && deleted.ValueKind != JsonValueKind.Null)
        && String(message, "messageType") is null or "message"
        && IsFromBot(message, appId)
        && Time(message, "createdDateTime") is { } created && created >= cutoff
        && message.TryGetProperty("attachments", out var attachments) && attachments.ValueKind == JsonValueKind.Array
        && attachments.EnumerateArray().Any(a => String(a, "contentType") == Attachment.AdaptiveCardContentType && a.TryGetProperty("content", out var content) && HasId(content, markId));

    /// <summary>Only the bot's own messages: <c>from.application.id</c> is its App ID.</summary>
    private static bool IsFromBot(JsonElement message, string? appId) =>
        !string.IsNullOrEmpty(appId)
        && message.TryGetProperty("from", out var from) && from.ValueKind == JsonValueKind.Object
        && from.TryGetProperty("application", out var application) && application.ValueKind == JsonValueKind.Object
        && string.Equals(String(application, "id"), appId, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the card (Graph gives it as a JSON string) has an element whose <c>id</c> is <paramref name="markId"/>.</summary>
    private static bool HasId(JsonElement content, string markId)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var card = JsonDocument.Parse(content.GetString()!);
                return HasIdIn(card.RootElement, markId);
            }
            catch (JsonException)
            {
                return false;
            }
        }

        return HasIdIn(content, markId);
    }

    private static bool HasIdIn(JsonElement element, string markId) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Any(p =>
            (p.NameEquals("id") && p.Value.ValueKind == JsonValueKind.String && p.Value.ValueEquals(markId)) || HasIdIn(p.Value, markId)),
        JsonValueKind.Array => element.EnumerateArray().Any(e => HasIdIn(e, markId)),
        _ => false,
    };

    private static DateTimeOffset? LastChanged(JsonElement message) =>
        Time(message, "lastModifiedDateTime") ?? Time(message, "createdDateTime");

    private static DateTimeOffset? Time(JsonElement element, string property) =>
        String(element, property) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private static string? String(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static Page? Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            return new Page([.. value.EnumerateArray().Select(m => m.Clone())], String(root, "@odata.nextLink"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ErrorCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("error", out var error)
                ? String(error, "code")
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        var delay = header.Delta ?? (header.Date is { } date ? date - timeProvider.GetUtcNow() : TimeSpan.Zero);
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private static Uri BaseUri(string configured) => new(configured.EndsWith('/') ? configured : configured + "/");

    /// <summary>Same scheme, host and port as the configured base, and a path below it.</summary>
    private static bool IsUnder(Uri baseUri, Uri candidate) =>
        string.Equals(candidate.Scheme, baseUri.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(candidate.IdnHost, baseUri.IdnHost, StringComparison.OrdinalIgnoreCase)
        && candidate.Port == baseUri.Port
        && string.IsNullOrEmpty(candidate.UserInfo)
        && candidate.AbsolutePath.StartsWith(baseUri.AbsolutePath, StringComparison.Ordinal);

    private sealed record Page(IReadOnlyList<JsonElement> Messages, string? NextLink);

    /// <summary>
    /// Where to look: <see cref="RelativeUrl"/> under the Graph base, or why the bot cannot look
    /// (<see cref="Unavailable"/>). <see cref="Where"/> names the place in logs.
    /// </summary>
    private sealed record Lookup(string Where, string? RelativeUrl, string Permission, string? Unavailable)
    {
        public static Lookup For(ConversationRef conversation, string? threadMessageId, DateTimeOffset cutoff)
        {
            // A channel conversation is "19:…@thread.tacv2;messageid=<root>": the channel id, then the
            // thread's root message. Everything the bot posts in it goes into that thread.
            var id = conversation.ChannelId;
            var separator = id.IndexOf(';', StringComparison.Ordinal);
            var chatId = separator < 0 ? id : id[..separator];
            var rootId = separator < 0 ? null : MessageIdParameter(id[(separator + 1)..]);

            if (!chatId.StartsWith("19:", StringComparison.Ordinal))
            {
                return new Lookup("a personal chat", null, ChatPermission, "Microsoft Graph cannot read the bot's personal chats");
            }

            if (conversation.TeamGroupId is { } groupId && Guid.TryParse(groupId, out _))
            {
                var channel = $"teams/{Escape(groupId)}/channels/{Escape(chatId)}/messages";
                var root = rootId ?? threadMessageId;
                return root is null
                    ? new Lookup($"channel {chatId}", $"{channel}?$top={PageSize}", ChannelPermission, null)
                    : new Lookup($"channel {chatId}", $"{channel}/{Escape(root)}/replies?$top={PageSize}", ChannelPermission, null);
            }

            if (chatId.EndsWith("@thread.v2", StringComparison.OrdinalIgnoreCase))
            {
                // Graph filters chats only by lastModifiedDateTime (createdDateTime takes lt only), and only
                // when ordered by it; a message created after the cutoff was also last modified after it.
                var filter = $"lastModifiedDateTime gt {cutoff.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}";
                return new Lookup(
                    $"chat {chatId}",
                    $"chats/{Escape(chatId)}/messages?$top={PageSize}&$orderby={Escape("lastModifiedDateTime desc")}&$filter={Escape(filter)}",
                    ChatPermission,
                    null);
            }

            return new Lookup($"channel {chatId}", null, ChannelPermission, "the conversation has no team group id (channelData.team.aadGroupId)");
        }

        private static string? MessageIdParameter(string parameters) =>
            parameters.Split(';')
                .Select(p => p.Split('=', 2))
                .Where(p => p.Length == 2 && p[0].Equals("messageid", StringComparison.OrdinalIgnoreCase) && p[1].Length > 0)
                .Select(p => p[1])
                .FirstOrDefault();

        private static string Escape(string value) => Uri.EscapeDataString(value);
    }
}

/// <summary>Remembers which look-up warnings were logged, so each is logged once per process rather than on every look-up.</summary>
public sealed class GraphWarnings
{
    private const int Limit = 10_000;

    private readonly ConcurrentDictionary<string, byte> _logged = new(StringComparer.Ordinal);

    public bool First(string key)
    {
        if (_logged.Count >= Limit)
        {
            _logged.Clear();
        }

        return _logged.TryAdd(key, 0);
    }
}
