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

namespace ChatBackup.Testing.Teams;

/// <summary>One Bot Connector call the fake received. <see cref="Kind"/> is <c>send</c>, <c>reply</c> or <c>update</c>.</summary>
public sealed record RecordedBotCall(
    string Kind,
    string HttpMethod,
    string ConversationId,
    string? ActivityId,
    JsonNode? Body,
    string? Authorization,
    int StatusCode)
{
    public bool Succeeded => StatusCode is >= 200 and < 300;

    /// <summary>The Adaptive Card of the first attachment, if any.</summary>
    public JsonNode? Card => Body?["attachments"]?[0]?["content"];

    public override string ToString() =>
        $"{HttpMethod} {Kind} {ConversationId}/{ActivityId} -> {StatusCode}: {Body?.ToJsonString()}";
}

/// <summary>
/// A real HTTP server on 127.0.0.1 that plays the Bot Framework: it serves the OpenID metadata
/// (<c>/.well-known/openidconfiguration</c>) and keys (<c>/keys</c>) of a <see cref="TeamsTokenIssuer"/>,
/// and records Bot Connector calls under <c>/v3/conversations/…</c>. Point <c>Teams:OpenIdMetadataUrl</c>
/// at <see cref="OpenIdMetadataUrl"/> and use <see cref="ServiceUrl"/> as the activities' serviceUrl.
/// </summary>
public sealed class FakeBotFrameworkServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedBotCall> _calls = new();
    private readonly ConcurrentQueue<Scripted> _scripted = new();
    private int _nextId;
    private int _metadataRequests;
    private int _keyRequests;

    private FakeBotFrameworkServer(WebApplication app, TeamsTokenIssuer issuer)
    {
        _app = app;
        Issuer = issuer;
        app.MapGet("/.well-known/openidconfiguration", () =>
        {
            Interlocked.Increment(ref _metadataRequests);
            return Results.Text(TeamsTokenIssuer.Metadata(BaseUrl + "keys").ToJsonString(), "application/json");
        });
        app.MapGet("/keys", () =>
        {
            Interlocked.Increment(ref _keyRequests);
            return Results.Text(Issuer.Jwks().ToJsonString(), "application/json");
        });
        app.MapPost("/v3/conversations/{conversationId}/activities", (string conversationId, HttpContext context) => HandleAsync("send", conversationId, null, context));
        app.MapPost("/v3/conversations/{conversationId}/activities/{activityId}", (string conversationId, string activityId, HttpContext context) => HandleAsync("reply", conversationId, activityId, context));
        app.MapPut("/v3/conversations/{conversationId}/activities/{activityId}", (string conversationId, string activityId, HttpContext context) => HandleAsync("update", conversationId, activityId, context));
    }

    /// <summary>The key the metadata publishes; replace it to simulate a key rotation.</summary>
    public TeamsTokenIssuer Issuer { get; set; }

    /// <summary><c>http://127.0.0.1:port/</c>, also the serviceUrl for activities.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    public string ServiceUrl => BaseUrl;

    public string OpenIdMetadataUrl => BaseUrl + ".well-known/openidconfiguration";

    public IReadOnlyList<RecordedBotCall> Calls => [.. _calls];

    public int MetadataRequests => Volatile.Read(ref _metadataRequests);

    public int KeyRequests => Volatile.Read(ref _keyRequests);

    public static async Task<FakeBotFrameworkServer> StartAsync(TeamsTokenIssuer issuer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new FakeBotFrameworkServer(builder.Build(), issuer);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/";
        return server;
    }

    /// <summary>The next connector call answers <paramref name="status"/> with <c>{"error":{code,message}}</c>.</summary>
    public void FailNext(int status, string code, int? retryAfterSeconds = null) =>
        _scripted.Enqueue(new Scripted(status, code, retryAfterSeconds));

    /// <summary>Waits until a recorded call matches; on timeout fails listing everything recorded.</summary>
    public Task<RecordedBotCall> WaitForAsync(Func<RecordedBotCall, bool> predicate, TimeSpan? timeout = null) =>
        Recorded.WaitForAsync(_calls, predicate, timeout, "Bot Connector");

    public Task<RecordedBotCall> WaitForAsync(string kind, TimeSpan? timeout = null) =>
        WaitForAsync(c => c.Kind == kind && c.Succeeded, timeout);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(string kind, string conversationId, string? activityId, HttpContext context)
    {
        var body = await ReadJsonAsync(context.Request);
        var authorization = context.Request.Headers.Authorization.ToString();
        if (_scripted.TryDequeue(out var scripted))
        {
            _calls.Enqueue(new RecordedBotCall(kind, context.Request.Method, conversationId, activityId, body, authorization.Length > 0 ? authorization : null, scripted.Status));
            context.Response.StatusCode = scripted.Status;
            if (scripted.RetryAfterSeconds is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            }

            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["code"] = scripted.Code, ["message"] = $"Scripted {scripted.Code}" } });
            return;
        }

        var id = kind == "update" ? activityId! : $"activity-{Interlocked.Increment(ref _nextId)}";

        // Record before answering, so a caller that has its answer always finds its call recorded.
        _calls.Enqueue(new RecordedBotCall(kind, context.Request.Method, conversationId, activityId, body, authorization.Length > 0 ? authorization : null, 200));
        await context.Response.WriteAsJsonAsync(new JsonObject { ["id"] = id });
    }

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

    private sealed record Scripted(int Status, string Code, int? RetryAfterSeconds);
}
