using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Testing.Slack;

/// <summary>One call the fake Slack received. <see cref="Method"/> is the Web API method or <see cref="RecordingSlackServer.ResponseUrlMethod"/>.</summary>
public sealed record RecordedSlackCall(
    string Method,
    JsonNode? Body,
    bool HasAuthorization,
    string? Authorization,
    string? ContentType,
    string? ResponseUrlId,
    int StatusCode,
    string? Error)
{
    public bool Succeeded => StatusCode == 200 && Error is null;

    public string? this[string property] => Body?[property]?.ToString();

    public override string ToString() =>
        $"{Method}{(ResponseUrlId is null ? "" : $"/{ResponseUrlId}")} -> {StatusCode}{(Error is null ? "" : $" {Error}")}: {Body?.ToJsonString()}";
}

/// <summary>
/// A message the fake Slack holds: posted with <c>chat.postMessage</c> or added by a test with
/// <see cref="RecordingSlackServer.AddMessage"/>. <see cref="Metadata"/> is the message metadata as posted.
/// </summary>
public sealed record SlackStoredMessage(string Channel, string Ts, string? Text, string? ThreadTs, bool ReplyBroadcast, JsonNode? Metadata)
{
    /// <summary>A thread reply (not the thread's parent).</summary>
    public bool IsReply => ThreadTs is not null && ThreadTs != Ts;

    /// <summary>Channel history shows top-level messages and replies broadcast to the channel.</summary>
    public bool InChannelHistory => !IsReply || ReplyBroadcast;
}

/// <summary>
/// A real HTTP server that plays Slack's Web API (<c>chat.postMessage</c>, <c>chat.update</c>,
/// <c>chat.postEphemeral</c>, <c>conversations.history</c>, <c>conversations.replies</c>) and response
/// URLs, records every call and fails on request. Posted messages are kept, with their metadata, so the
/// history methods can serve them back.
/// </summary>
public sealed class RecordingSlackServer : IAsyncDisposable
{
    public const string ResponseUrlMethod = "response_url";

    /// <summary>
    /// Largest page <c>conversations.history</c>/<c>replies</c> serve (and the default), as Slack has since
    /// 2025 for apps outside the Marketplace; a larger <c>limit</c> is cut down to it.
    /// </summary>
    public const int MaxHistoryPage = 15;

    private readonly WebApplication _app;
    private readonly TimeProvider? _clock;
    private readonly ConcurrentQueue<RecordedSlackCall> _calls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Scripted>> _scripted = new(StringComparer.Ordinal);
    private readonly List<SlackStoredMessage> _messages = [];
    private readonly Lock _messagesLock = new();
    private long _nextTs = 100;
    private long _lastClockTs;

    private RecordingSlackServer(WebApplication app, TimeProvider? clock)
    {
        _app = app;
        _clock = clock;
        app.MapPost("/api/{method}", (string method, HttpContext context) => HandleApiAsync(method, context));
        app.MapPost("/response/{id}", (string id, HttpContext context) => HandleResponseUrlAsync(id, context));
    }

    /// <summary>Base URL of the fake Web API, for <c>Slack:ApiBaseUrl</c>: <c>http://127.0.0.1:port/api/</c>.</summary>
    public string ApiBaseUrl => BaseUrl + "api/";

    public string BaseUrl { get; private set; } = string.Empty;

    public IReadOnlyList<RecordedSlackCall> Calls => [.. _calls];

    /// <summary>Every message held, in the order they were posted or added.</summary>
    public IReadOnlyList<SlackStoredMessage> Messages
    {
        get
        {
            lock (_messagesLock)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>An HttpClient whose BaseAddress is <see cref="ApiBaseUrl"/>, as AddSlack configures it; disposed with the server.</summary>
    public HttpClient ApiHttpClient { get; private set; } = null!;

    /// <summary>
    /// Starts the server. Without <paramref name="clock"/> message timestamps are <c>1700000000.000101</c>,
    /// <c>…102</c> and so on; with it they are the clock's time (kept increasing), as Slack's are.
    /// </summary>
    public static async Task<RecordingSlackServer> StartAsync(TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new RecordingSlackServer(builder.Build(), clock);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/";
        server.ApiHttpClient = new HttpClient { BaseAddress = new Uri(server.ApiBaseUrl) };
        return server;
    }

    /// <summary>A response_url that posts to this server; <paramref name="id"/> shows up in <see cref="RecordedSlackCall.ResponseUrlId"/>.</summary>
    public string ResponseUrl(string id) => $"{BaseUrl}response/{Uri.EscapeDataString(id)}";

    /// <summary>The next call of <paramref name="method"/> answers <c>ok:false</c> with <paramref name="error"/> (response_url: HTTP 404 with the error as text).</summary>
    public void FailNext(string method, string error) =>
        Script(method, new Scripted(method == ResponseUrlMethod ? 404 : 200, error));

    /// <summary>The next call of <paramref name="method"/> answers <c>missing_scope</c> naming <paramref name="needed"/>, as Slack does for a token without it.</summary>
    public void MissingScopeNext(string method, string needed, string provided = "commands,chat:write,chat:write.public") =>
        Script(method, new Scripted(200, "missing_scope", Needed: needed, Provided: provided));

    /// <summary>
    /// Puts a message in <paramref name="channel"/> as if posted at <paramref name="ts"/> (by anyone: another
    /// app, a person, an earlier run); <paramref name="metadata"/> is its message metadata.
    /// </summary>
    public SlackStoredMessage AddMessage(
        string channel, string ts, string? text = null, string? threadTs = null, bool replyBroadcast = false, JsonNode? metadata = null)
    {
        var message = new SlackStoredMessage(channel, ts, text, threadTs, replyBroadcast, metadata?.DeepClone());
        lock (_messagesLock)
        {
            _messages.Add(message);
        }

        return message;
    }

    /// <summary>
    /// The next call of <paramref name="method"/> (or the one after <paramref name="afterCalls"/> calls answered
    /// as usual) answers HTTP 429 with <c>Retry-After</c>.
    /// </summary>
    public void RateLimitNext(string method, int retryAfterSeconds, int afterCalls = 0)
    {
        for (var i = 0; i < afterCalls; i++)
        {
            Script(method, Scripted.AsUsual);
        }

        Script(method, new Scripted(429, "ratelimited", retryAfterSeconds));
    }

    /// <summary>The next call of <paramref name="method"/> answers with an HTTP error status (5xx to test backoff).</summary>
    public void ServerErrorNext(string method, int statusCode = 503) =>
        Script(method, new Scripted(statusCode, $"http_{statusCode}"));

    /// <summary>Waits until a recorded call matches; on timeout fails listing everything recorded.</summary>
    public Task<RecordedSlackCall> WaitForAsync(Func<RecordedSlackCall, bool> predicate, TimeSpan? timeout = null) =>
        Recorded.WaitForAsync(_calls, predicate, timeout, "Slack");

    public Task<RecordedSlackCall> WaitForAsync(string method, TimeSpan? timeout = null) =>
        WaitForAsync(c => c.Method == method && c.Succeeded, timeout);

    public async ValueTask DisposeAsync()
    {
        ApiHttpClient.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Script(string method, Scripted answer) => _scripted.GetOrAdd(method, _ => new()).Enqueue(answer);

    private async Task HandleApiAsync(string method, HttpContext context)
    {
        var body = await ReadJsonAsync(context.Request);
        if (TakeScripted(method) is { } scripted)
        {
            Record(method, body, context, null, scripted.Status, scripted.Error);
            await WriteScriptedAsync(method, scripted, context);
            return;
        }

        var channel = body?["channel"]?.ToString();
        JsonObject answer = method switch
        {
            "chat.postMessage" => Post(channel, body),
            "chat.update" => new() { ["ok"] = true, ["channel"] = channel, ["ts"] = body?["ts"]?.ToString() },
            "chat.postEphemeral" => new() { ["ok"] = true, ["message_ts"] = NextTs() },
            "conversations.history" => History(channel, body),
            "conversations.replies" => Replies(channel, body),
            _ => new() { ["ok"] = false, ["error"] = "unknown_method" },
        };

        // Record before answering, so a caller that has its answer always finds its call recorded.
        Record(method, body, context, null, 200, answer["ok"]!.GetValue<bool>() ? null : answer["error"]?.ToString());
        await context.Response.WriteAsJsonAsync(answer);
    }

    private JsonObject Post(string? channel, JsonNode? body)
    {
        var ts = NextTs();
        if (channel is not null)
        {
            AddMessage(
                channel,
                ts,
                body?["text"]?.ToString(),
                body?["thread_ts"]?.ToString(),
                body?["reply_broadcast"]?.GetValueKind() == System.Text.Json.JsonValueKind.True,
                body?["metadata"]);
        }

        return new() { ["ok"] = true, ["channel"] = channel, ["ts"] = ts };
    }

    /// <summary>Newest first: top-level messages and broadcast replies (https://docs.slack.dev/reference/methods/conversations.history).</summary>
    private JsonObject History(string? channel, JsonNode? query)
    {
        if (string.IsNullOrEmpty(channel))
        {
            return new() { ["ok"] = false, ["error"] = "channel_not_found" };
        }

        var messages = Messages
            .Where(m => m.Channel == channel && m.InChannelHistory && InRange(m.Ts, query))
            .OrderByDescending(m => TsKey(m.Ts));
        return Page(messages, query);
    }

    /// <summary>The parent, then its replies oldest first (https://docs.slack.dev/reference/methods/conversations.replies).</summary>
    private JsonObject Replies(string? channel, JsonNode? query)
    {
        var thread = query?["ts"]?.ToString();
        if (string.IsNullOrEmpty(channel) || string.IsNullOrEmpty(thread))
        {
            return new() { ["ok"] = false, ["error"] = string.IsNullOrEmpty(channel) ? "channel_not_found" : "invalid_arguments" };
        }

        var all = Messages.Where(m => m.Channel == channel).ToList();
        if (!all.Any(m => m.Ts == thread))
        {
            return new() { ["ok"] = false, ["error"] = "thread_not_found" };
        }

        var messages = all
            .Where(m => (m.Ts == thread || m.ThreadTs == thread) && InRange(m.Ts, query))
            .OrderBy(m => TsKey(m.Ts));
        return Page(messages, query);
    }

    private static JsonObject Page(IEnumerable<SlackStoredMessage> messages, JsonNode? query)
    {
        var limit = int.TryParse(query?["limit"]?.ToString(), CultureInfo.InvariantCulture, out var asked) && asked > 0
            ? Math.Min(asked, MaxHistoryPage)
            : MaxHistoryPage;
        var offset = Cursor(query?["cursor"]?.ToString());
        if (offset is null)
        {
            return new() { ["ok"] = false, ["error"] = "invalid_cursor" };
        }

        var withMetadata = IsTrue(query?["include_all_metadata"]);
        var all = messages.ToList();
        var page = all.Skip(offset.Value).Take(limit).Select(m => Json(m, withMetadata)).ToArray();
        var more = offset.Value + limit < all.Count;
        return new()
        {
            ["ok"] = true,
            ["messages"] = new JsonArray(page),
            ["has_more"] = more,
            ["response_metadata"] = new JsonObject { ["next_cursor"] = more ? Cursor(offset.Value + limit) : "" },
        };
    }

    private static JsonNode Json(SlackStoredMessage message, bool withMetadata)
    {
        var json = new JsonObject { ["type"] = "message", ["ts"] = message.Ts, ["text"] = message.Text };
        if (message.ThreadTs is not null)
        {
            json["thread_ts"] = message.ThreadTs;
        }

        if (message.IsReply && message.ReplyBroadcast)
        {
            json["subtype"] = "thread_broadcast";
        }

        if (withMetadata && message.Metadata is not null)
        {
            json["metadata"] = message.Metadata.DeepClone();
        }

        return json;
    }

    /// <summary><c>oldest</c>/<c>latest</c> bounds, exclusive unless <c>inclusive</c> is true.</summary>
    private static bool InRange(string ts, JsonNode? query)
    {
        var key = TsKey(ts);
        var inclusive = IsTrue(query?["inclusive"]);
        if (query?["oldest"]?.ToString() is { Length: > 0 } oldest
            && (inclusive ? key < TsKey(oldest) : key <= TsKey(oldest)))
        {
            return false;
        }

        return query?["latest"]?.ToString() is not { Length: > 0 } latest
            || (inclusive ? key <= TsKey(latest) : key < TsKey(latest));
    }

    private static bool IsTrue(JsonNode? value) => value?.ToString() is "true" or "True" or "1";

    /// <summary>A ts as a comparable number of microseconds (<c>seconds.micros</c>, micros padded to 6 digits).</summary>
    private static decimal TsKey(string ts) =>
        decimal.TryParse(ts, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value : decimal.MinValue;

    private static string Cursor(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"offset:{offset}"));

    private static int? Cursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return 0;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text["offset:".Length..], CultureInfo.InvariantCulture, out var offset) && offset >= 0
                ? offset
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private async Task HandleResponseUrlAsync(string id, HttpContext context)
    {
        var body = await ReadJsonAsync(context.Request);
        if (TakeScripted(ResponseUrlMethod) is { } scripted)
        {
            Record(ResponseUrlMethod, body, context, id, scripted.Status, scripted.Error);
            await WriteScriptedAsync(ResponseUrlMethod, scripted, context);
            return;
        }

        Record(ResponseUrlMethod, body, context, id, 200, null);
        await context.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = true });
    }

    private Scripted? TakeScripted(string method) =>
        _scripted.TryGetValue(method, out var queue) && queue.TryDequeue(out var scripted) && !ReferenceEquals(scripted, Scripted.AsUsual) ? scripted : null;

    private static async Task WriteScriptedAsync(string method, Scripted scripted, HttpContext context)
    {
        context.Response.StatusCode = scripted.Status;
        if (scripted.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        }

        if (method == ResponseUrlMethod)
        {
            await context.Response.WriteAsync(scripted.Error ?? string.Empty);
        }
        else if (scripted.Status is 200 or 429)
        {
            var answer = new JsonObject { ["ok"] = false, ["error"] = scripted.Error };
            if (scripted.Needed is not null)
            {
                answer["needed"] = scripted.Needed;
                answer["provided"] = scripted.Provided;
            }

            await context.Response.WriteAsJsonAsync(answer);
        }
    }

    private void Record(string method, JsonNode? body, HttpContext context, string? responseUrlId, int status, string? error)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        _calls.Enqueue(new RecordedSlackCall(
            method,
            body,
            authorization.Length > 0,
            authorization.Length > 0 ? authorization : null,
            context.Request.ContentType,
            responseUrlId,
            status,
            error));
    }

    private string NextTs()
    {
        if (_clock is null)
        {
            return $"1700000000.{Interlocked.Increment(ref _nextTs):D6}";
        }

        // Slack's ts is its clock in microseconds, unique within a channel.
        var now = (_clock.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        long micros;
        lock (_messagesLock)
        {
            micros = _lastClockTs = Math.Max(now, _lastClockTs + 1);
        }

        return string.Create(CultureInfo.InvariantCulture, $"{micros / 1_000_000}.{micros % 1_000_000:D6}");
    }

    /// <summary>The body as JSON; a form body (the read methods take forms) as an object of its fields.</summary>
    private static async Task<JsonNode?> ReadJsonAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            var form = new JsonObject();
            foreach (var (key, value) in QueryHelpers.ParseQuery(text))
            {
                form[key] = value.ToString();
            }

            return form;
        }

        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private sealed record Scripted(int Status, string? Error, int? RetryAfterSeconds = null, string? Needed = null, string? Provided = null)
    {
        /// <summary>A place in the queue answered as if nothing were scripted.</summary>
        public static readonly Scripted AsUsual = new(200, null);
    }
}
