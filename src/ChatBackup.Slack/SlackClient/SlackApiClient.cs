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
/// <c>response_url</c> posts. Retries HTTP 429 after <c>Retry-After</c> and 5xx with backoff;
/// throws <see cref="SlackApiException"/> when Slack says <c>ok:false</c>.
/// </summary>
public sealed class SlackApiClient(HttpClient http, IOptions<SlackOptions> options, TimeProvider timeProvider, ILogger<SlackApiClient> logger)
{
    public const int MaxRetries = 3;

    /// <summary>Longest Retry-After we wait inside one call; longer throttling is left to the caller (jobs retry).</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private const string Platform = "slack";
    private const string ResponseUrlMethod = "response_url";

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary><c>chat.postMessage</c>; returns the message <c>ts</c>.</summary>
    public async Task<string> PostMessageAsync(
        string channel,
        string text,
        IReadOnlyList<Block>? blocks,
        string? threadTs = null,
        bool? replyBroadcast = null,
        CancellationToken cancellationToken = default)
    {
        const string method = "chat.postMessage";
        var response = await CallAsync(method, new PostMessageRequest(channel, text, blocks, threadTs, replyBroadcast), cancellationToken);
        return response.Ts ?? throw new SlackApiException(method, "invalid_response");
    }

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

    private Task<SlackApiResponse> CallAsync<TRequest>(string method, TRequest request, CancellationToken cancellationToken) =>
        CountedAsync(method, () => CallCoreAsync(method, request, cancellationToken));

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

    private async Task<SlackApiResponse> CallCoreAsync<TRequest>(string method, TRequest request, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, SlackJson.Options);
        var token = options.Value.BotToken;
        using var response = await SendAsync(
            method,
            () =>
            {
                var message = new HttpRequestMessage(HttpMethod.Post, method) { Content = Json(payload) };
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                return message;
            },
            cancellationToken);

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new SlackApiException(method, "ratelimited", 429, retryAfter: RetryAfter(response));
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

    /// <summary>Sends, retrying throttling and server faults; returns the last response for the caller to judge.</summary>
    private async Task<HttpResponseMessage> SendAsync(string method, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = createRequest();
            var response = await http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            TimeSpan delay;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                ChatBackupTelemetry.ChatRateLimit(Platform, method);
                delay = RetryAfter(response);
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

    private TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        var delay = header?.Delta
            ?? (header?.Date is { } date ? date - timeProvider.GetUtcNow() : TimeSpan.FromSeconds(1));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxRetryAfter ? MaxRetryAfter : delay;
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
