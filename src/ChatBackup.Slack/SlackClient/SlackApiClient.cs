using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ChatBackup.Core.Telemetry;
using ChatBackup.Slack.BlockKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBackup.Slack.SlackClient;

/// <summary>
/// The few Slack Web API methods the bot uses (https://docs.slack.dev/reference/methods), plus
/// <c>response_url</c> posts. Retries HTTP 429 after <c>Retry-After</c> (not for the history reads) and
/// 5xx with backoff; throws <see cref="SlackApiException"/> when Slack says <c>ok:false</c>.
/// </summary>
public sealed class SlackApiClient(HttpClient http, IOptions<SlackOptions> options, TimeProvider timeProvider, ILogger<SlackApiClient> logger)
{
    public const int MaxRetries = 3;

    /// <summary>Longest Retry-After we wait inside one call; longer throttling is left to the caller (jobs retry).</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>Bound on the Retry-After handed to callers, against a nonsensical header.</summary>
    private static readonly TimeSpan MaxReportedRetryAfter = TimeSpan.FromHours(1);

    private const string Platform = "slack";
    private const string ResponseUrlMethod = "response_url";

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary><c>chat.postMessage</c>; returns the message <c>ts</c>. <paramref name="metadata"/> is attached as message metadata.</summary>
    public async Task<string> PostMessageAsync(
        string channel,
        string text,
        IReadOnlyList<Block>? blocks,
        string? threadTs = null,
        bool? replyBroadcast = null,
        SlackMessageMetadata? metadata = null,
        CancellationToken cancellationToken = default)
    {
        const string method = "chat.postMessage";
        var response = await CallAsync(method, new PostMessageRequest(channel, text, blocks, threadTs, replyBroadcast, metadata), cancellationToken);
        return response.Ts ?? throw new SlackApiException(method, "invalid_response");
    }

    /// <summary>
    /// One page of <c>conversations.history</c> (https://docs.slack.dev/reference/methods/conversations.history):
    /// messages at or after <paramref name="oldest"/>, with everyone's metadata. Throttling is not waited
    /// out here: the methods are Tier 1 for apps outside the Marketplace (1 request a minute), so a 429
    /// throws at once with Slack's <c>Retry-After</c> and the caller decides when to come back.
    /// </summary>
    public Task<SlackMessagePage> HistoryAsync(string channel, string oldest, int limit, string? cursor, CancellationToken cancellationToken = default) =>
        ReadMessagesAsync("conversations.history", channel, threadTs: null, oldest, limit, cursor, cancellationToken);

    /// <summary>
    /// One page of <c>conversations.replies</c> (https://docs.slack.dev/reference/methods/conversations.replies):
    /// the thread under <paramref name="threadTs"/>, at or after <paramref name="oldest"/>. Throttling as for <see cref="HistoryAsync"/>.
    /// </summary>
    public Task<SlackMessagePage> RepliesAsync(string channel, string threadTs, string oldest, int limit, string? cursor, CancellationToken cancellationToken = default) =>
        ReadMessagesAsync("conversations.replies", channel, threadTs, oldest, limit, cursor, cancellationToken);

    /// <summary><c>chat.update</c> of a message the bot posted.</summary>
    public Task UpdateAsync(string channel, string ts, string text, IReadOnlyList<Block>? blocks, CancellationToken cancellationToken = default) =>
        CallAsync("chat.update", new UpdateRequest(channel, ts, text, blocks), cancellationToken);

    /// <summary><c>chat.postEphemeral</c>: only <paramref name="user"/> sees it; Slack does not guarantee delivery. Returns <c>message_ts</c>.</summary>
    public async Task<string?> PostEphemeralAsync(string channel, string user, string text, IReadOnlyList<Block>? blocks, CancellationToken cancellationToken = default)
    {
        var response = await CallAsync("chat.postEphemeral", new PostEphemeralRequest(channel, user, text, blocks), cancellationToken);
        return response.MessageTs;
    }

    /// <summary>Posts to a <c>response_url</c> (absolute, from a verified Slack request). No bearer token: the URL is the credential.</summary>
    public Task PostToResponseUrlAsync(string url, SlackResponseMessage body, CancellationToken cancellationToken = default) =>
        CountedAsync(ResponseUrlMethod, async () =>
        {
            await PostToResponseUrlCoreAsync(url, body, cancellationToken);
            return true;
        });

    private async Task PostToResponseUrlCoreAsync(string url, SlackResponseMessage body, CancellationToken cancellationToken)
    {
        const string method = ResponseUrlMethod;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new SlackApiException(method, "invalid_response_url");
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(body, SlackJson.Options);
        using var response = await SendAsync(method, () => new HttpRequestMessage(HttpMethod.Post, uri) { Content = Json(payload) }.WithSecretUrl(), cancellationToken);
        var content = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // response_url answers errors such as "expired_url" or "used_url" as short text.
            var error = content.Trim() is { Length: > 0 and <= 64 } code && code.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                ? code
                : $"http_{(int)response.StatusCode}";
            throw new SlackApiException(method, error, (int)response.StatusCode, retryAfter: response.Headers.RetryAfter?.Delta);
        }

        if (content.TrimStart().StartsWith('{') && TryParse(content) is { Ok: false } failed)
        {
            throw new SlackApiException(method, failed.Error ?? "unknown_error", (int)response.StatusCode, failed.Needed, failed.Provided);
        }
    }

    private Task<SlackApiResponse> CallAsync<TRequest>(string method, TRequest request, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, SlackJson.Options);
        return CountedAsync(method, () => CallCoreAsync(method, () => Json(payload), MaxRetries, cancellationToken));
    }

    private async Task<SlackMessagePage> ReadMessagesAsync(
        string method, string channel, string? threadTs, string oldest, int limit, string? cursor, CancellationToken cancellationToken)
    {
        // The read methods take form fields, not JSON (https://docs.slack.dev/apis/web-api/#post-bodies).
        var fields = new List<KeyValuePair<string, string>>
        {
            new("channel", channel),
            new("oldest", oldest),
            new("inclusive", "true"),
            new("include_all_metadata", "true"),
            new("limit", limit.ToString(CultureInfo.InvariantCulture)),
        };
        if (threadTs is not null)
        {
            fields.Add(new("ts", threadTs));
        }

        if (!string.IsNullOrEmpty(cursor))
        {
            fields.Add(new("cursor", cursor));
        }

        var response = await CountedAsync(method, () => CallCoreAsync(method, () => new FormUrlEncodedContent(fields), rateLimitRetries: 0, cancellationToken));
        var next = response.ResponseMetadata?.NextCursor;
        return new SlackMessagePage(response.Messages ?? [], string.IsNullOrEmpty(next) ? null : next);
    }

    /// <summary>
    /// Counts a call once, however many attempts it took, with Slack's error code as its outcome:
    /// the codes are a fixed list, and they are what an operator looks up.
    /// </summary>
    private static async Task<T> CountedAsync<T>(string method, Func<Task<T>> call)
    {
        try
        {
            var result = await call();
            ChatBackupTelemetry.ChatCall(Platform, method, ChatBackupTelemetry.Ok);
            return result;
        }
        catch (Exception e)
        {
            ChatBackupTelemetry.ChatCall(Platform, method, e switch
            {
                SlackApiException slack => slack.Error,
                OperationCanceledException => "cancelled",
                HttpRequestException => "network_error",
                _ => "error",
            });
            throw;
        }
    }

    private async Task<SlackApiResponse> CallCoreAsync(string method, Func<HttpContent> content, int rateLimitRetries, CancellationToken cancellationToken)
    {
        var token = options.Value.BotToken;
        using var response = await SendAsync(
            method,
            () =>
            {
                var message = new HttpRequestMessage(HttpMethod.Post, method) { Content = content() };
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return message;
            },
            cancellationToken,
            rateLimitRetries);

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // The caller gets Slack's full Retry-After: coming back sooner only meets another 429.
            throw new SlackApiException(method, "ratelimited", 429, retryAfter: RetryAfter(response, MaxReportedRetryAfter));
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new SlackApiException(method, $"http_{(int)response.StatusCode}", (int)response.StatusCode);
        }

        var body = TryParse(await response.Content.ReadAsStringAsync(cancellationToken))
            ?? throw new SlackApiException(method, "invalid_response", (int)response.StatusCode);
        if (!body.Ok)
        {
            var error = body.Error ?? "unknown_error";
            logger.ApiFailed(method, error);
            throw new SlackApiException(method, error, (int)response.StatusCode, body.Needed, body.Provided);
        }

        return body;
    }

    /// <summary>Sends, retrying throttling (up to <paramref name="rateLimitRetries"/> times) and server faults; returns the last response for the caller to judge.</summary>
    private async Task<HttpResponseMessage> SendAsync(
        string method, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken, int rateLimitRetries = MaxRetries)
    {
        var rateLimited = 0;
        for (var attempt = 1; ; attempt++)
        {
            using var request = createRequest();
            var response = await http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            TimeSpan delay;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                ChatBackupTelemetry.ChatRateLimit(Platform, method);
                if (++rateLimited > rateLimitRetries)
                {
                    return response;
                }

                delay = RetryAfter(response, MaxRetryAfter);
            }
            else if (status >= 500)
            {
                delay = FirstBackoff * Math.Pow(2, attempt - 1);
            }
            else
            {
                return response;
            }

            if (attempt > MaxRetries)
            {
                return response;
            }

            response.Dispose();
            logger.ApiRetry(method, status, attempt, delay);
            await Task.Delay(delay, timeProvider, cancellationToken);
        }
    }

    private TimeSpan RetryAfter(HttpResponseMessage response, TimeSpan cap)
    {
        var header = response.Headers.RetryAfter;
        var delay = header?.Delta
            ?? (header?.Date is { } date ? date - timeProvider.GetUtcNow() : TimeSpan.FromSeconds(1));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > cap ? cap : delay;
    }

    private static ByteArrayContent Json(byte[] payload)
    {
        var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static SlackApiResponse? TryParse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<SlackApiResponse>(json, SlackJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
