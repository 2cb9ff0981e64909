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
/// A real HTTP server that plays Slack's Web API (<c>chat.postMessage</c>, <c>chat.update</c>,
/// <c>chat.postEphemeral</c>) and response URLs, records every call and fails on request.
/// </summary>
public sealed class RecordingSlackServer : IAsyncDisposable
{
    public const string ResponseUrlMethod = "response_url";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedSlackCall> _calls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Scripted>> _scripted = new(StringComparer.Ordinal);
    private long _nextTs = 100;

    private RecordingSlackServer(WebApplication app)
    {
        _app = app;
        app.MapPost("/api/{method}", (string method, HttpContext context) => HandleApiAsync(method, context));
        app.MapPost("/response/{id}", (string id, HttpContext context) => HandleResponseUrlAsync(id, context));
    }

    /// <summary>Base URL of the fake Web API, for <c>Slack:ApiBaseUrl</c>: <c>http://127.0.0.1:port/api/</c>.</summary>
    public string ApiBaseUrl => BaseUrl + "api/";

    public string BaseUrl { get; private set; } = string.Empty;

    public IReadOnlyList<RecordedSlackCall> Calls => [.. _calls];

    /// <summary>An HttpClient whose BaseAddress is <see cref="ApiBaseUrl"/>, as AddSlack configures it; disposed with the server.</summary>
    public HttpClient ApiHttpClient { get; private set; } = null!;

    public static async Task<RecordingSlackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new RecordingSlackServer(builder.Build());
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

    /// <summary>The next call of <paramref name="method"/> answers HTTP 429 with <c>Retry-After</c>.</summary>
    public void RateLimitNext(string method, int retryAfterSeconds) =>
        Script(method, new Scripted(429, "ratelimited", retryAfterSeconds));

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
            "chat.postMessage" => new() { ["ok"] = true, ["channel"] = channel, ["ts"] = NextTs() },
            "chat.update" => new() { ["ok"] = true, ["channel"] = channel, ["ts"] = body?["ts"]?.ToString() },
            "chat.postEphemeral" => new() { ["ok"] = true, ["message_ts"] = NextTs() },
            _ => new() { ["ok"] = false, ["error"] = "unknown_method" },
        };

        // Record before answering, so a caller that has its answer always finds its call recorded.
        Record(method, body, context, null, 200, answer["ok"]!.GetValue<bool>() ? null : "unknown_method");
        await context.Response.WriteAsJsonAsync(answer);
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
        _scripted.TryGetValue(method, out var queue) && queue.TryDequeue(out var scripted) ? scripted : null;

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
            await context.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = false, ["error"] = scripted.Error });
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

    private string NextTs() => $"1700000000.{Interlocked.Increment(ref _nextTs):D6}";

    private static async Task<JsonNode?> ReadJsonAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    private sealed record Scripted(int Status, string? Error, int? RetryAfterSeconds = null);
}
