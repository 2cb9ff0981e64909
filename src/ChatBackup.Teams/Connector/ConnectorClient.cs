using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ChatBackup.Core.Telemetry;
using ChatBackup.Teams.Activities;
using ChatBackup.Teams.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBackup.Teams.Connector;

/// <summary>
/// The Bot Connector REST calls the bot makes (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference):
/// send, reply and update activities under an activity's <c>serviceUrl</c>. Retries 429 (honouring
/// <c>Retry-After</c>) and 5xx with exponential backoff. The bot's token goes only to trusted
/// Bot Connector hosts (<see cref="TrustedServiceUrls"/>).
/// </summary>
public sealed class ConnectorClient(
    HttpClient http,
    IBotTokenProvider tokens,
    TrustedServiceUrls trustedServiceUrls,
    IOptions<TeamsOptions> options,
    TimeProvider timeProvider,
    ILogger<ConnectorClient> logger)
{
    public const int MaxRetries = 3;

    /// <summary>Longest Retry-After waited inside one call; longer throttling is left to the caller (jobs retry).</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    private const string Platform = "teams";

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary><c>POST /v3/conversations/{id}/activities</c>: a new message in the conversation. Returns its id.</summary>
    public Task<string> SendAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken) =>
        CallAsync("send", HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities", activity, cancellationToken);

    /// <summary><c>POST /v3/conversations/{id}/activities/{activityId}</c>: a reply to <paramref name="replyToId"/> (a thread reply in channels).</summary>
    public Task<string> ReplyAsync(string serviceUrl, string conversationId, string replyToId, Activity activity, CancellationToken cancellationToken) =>
        CallAsync(
            "reply",
            HttpMethod.Post,
            serviceUrl,
            $"v3/conversations/{Escape(conversationId)}/activities/{Escape(replyToId)}",
            activity with { ReplyToId = replyToId },
            cancellationToken);

    /// <summary><c>PUT /v3/conversations/{id}/activities/{activityId}</c> with the full replacement activity.</summary>
    public Task UpdateAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken) =>
        CallAsync(
            "update",
            HttpMethod.Put,
            serviceUrl,
            $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}",
            activity with { Id = activityId },
            cancellationToken);

    /// <summary>Counts a call once, however many attempts it took, with the connector's error code as its outcome.</summary>
    private async Task<string> CallAsync(string operation, HttpMethod method, string serviceUrl, string path, Activity activity, CancellationToken cancellationToken)
    {
        try
        {
            var id = await CallCoreAsync(operation, method, serviceUrl, path, activity, cancellationToken);
            ChatBackupTelemetry.ChatCall(Platform, operation, ChatBackupTelemetry.Ok);
            return id;
        }
        catch (Exception e)
        {
            ChatBackupTelemetry.ChatCall(Platform, operation, e switch
            {
                ConnectorException connector => connector.Code,
                OperationCanceledException => "cancelled",
                HttpRequestException => "network_error",
                _ => "error",
            });
            throw;
        }
    }

    private async Task<string> CallCoreAsync(string operation, HttpMethod method, string serviceUrl, string path, Activity activity, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ConnectorException(operation, "InvalidServiceUrl", "The conversation has no usable serviceUrl.");
        }

        var token = await TokenForAsync(operation, baseUri, cancellationToken);
        var uri = new Uri(new Uri(baseUri.AbsoluteUri.TrimEnd('/') + "/"), path);
        var payload = JsonSerializer.SerializeToUtf8Bytes(activity, BotJson.Options);

        using var response = await SendWithRetriesAsync(
            operation,
            () =>
            {
                var request = new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(payload) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                if (token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }

                return request;
            },
            cancellationToken);

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var (code, message) = ParseError(body, response.StatusCode);
            var correlation = response.Headers.TryGetValues("X-Correlating-OperationId", out var values) ? values.FirstOrDefault() : null;
            logger.ConnectorFailed(operation, (int)response.StatusCode, code, correlation);
            throw new ConnectorException(operation, code, message, response.StatusCode, RetryAfter(response));
        }

        // An update may answer with an empty body; the id is then the one updated.
        var id = TryParse<ResourceResponse>(body)?.Id;
        return id ?? activity.Id ?? string.Empty;
    }

    private async Task<string?> TokenForAsync(string operation, Uri serviceUrl, CancellationToken cancellationToken)
    {
        if (options.Value.Anonymous)
        {
            return null;
        }

        if (!trustedServiceUrls.IsTrusted(serviceUrl.AbsoluteUri))
        {
            logger.UntrustedServiceUrl(serviceUrl.Host);
            throw new ConnectorException(operation, "UntrustedServiceUrl", $"{serviceUrl.Host} is not a Bot Connector host this bot has been contacted from.");
        }

        return await tokens.GetTokenAsync(cancellationToken);
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(string operation, Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = createRequest();
            var response = await http.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                ChatBackupTelemetry.ChatRateLimit(Platform, operation);
            }

            if (attempt > MaxRetries || (response.StatusCode != HttpStatusCode.TooManyRequests && status < 500))
            {
                return response;
            }

            var backoff = FirstBackoff * Math.Pow(2, attempt - 1);
            var delay = response.StatusCode == HttpStatusCode.TooManyRequests && RetryAfter(response) is { } retryAfter && retryAfter > backoff
                ? retryAfter
                : backoff;
            response.Dispose();
            logger.ConnectorRetry(operation, status, attempt, delay);
            await Task.Delay(delay, timeProvider, cancellationToken);
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
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > MaxRetryAfter ? MaxRetryAfter : delay;
    }

    private static (string Code, string Message) ParseError(string body, HttpStatusCode status)
    {
        var fallback = ($"Http{(int)status}", $"HTTP {(int)status}");
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                return (code ?? fallback.Item1, message ?? fallback.Item2);
            }
        }
        catch (JsonException)
        {
            // Gateways in front of the connector answer HTML or text: the status is all we know.
        }

        return fallback;
    }

    private static T? TryParse<T>(string json)
        where T : class
    {
        try
        {
            return json.Length == 0 ? null : JsonSerializer.Deserialize<T>(json, BotJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
