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
/// A message as Teams keeps it after the connector accepted it: what <see cref="FakeGraphServer"/> lists.
/// <see cref="ChatId"/> is the conversation id without <c>;messageid=…</c>; <see cref="RootId"/> is the
/// thread's root message in a channel (null for a top-level post and in chats).
/// <see cref="FromBot"/> false stands for a message a person wrote.
/// </summary>
public sealed record ConnectorMessage(
    string ChatId,
    string Id,
    string? RootId,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastModifiedAt,
    JsonArray Attachments,
    bool FromBot = true);

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
    private readonly ConcurrentDictionary<string, ConnectorMessage> _messages = new(StringComparer.Ordinal);
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

    /// <summary>Every message sent or replied (and seeded), oldest first, with updates applied.</summary>
    public IReadOnlyList<ConnectorMessage> Messages => [.. _messages.Values.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id, StringComparer.Ordinal)];

    /// <summary>The clock that dates messages (their <c>createdDateTime</c> in Graph).</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

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

    /// <summary>Adds a message as if it had been posted earlier, or by someone else.</summary>
    public void AddMessage(ConnectorMessage message) => _messages[message.Id] = message;

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
        Keep(kind, conversationId, activityId, id, body);

        // Record before answering, so a caller that has its answer always finds its call recorded.
        _calls.Enqueue(new RecordedBotCall(kind, context.Request.Method, conversationId, activityId, body, authorization.Length > 0 ? authorization : null, 200));
        await context.Response.WriteAsJsonAsync(new JsonObject { ["id"] = id });
    }

    /// <summary>
    /// Files the message as Teams does: in a channel ("19:…@thread.tacv2") a post goes into the thread of
    /// the conversation id's <c>messageid</c>, else of the message replied to, else to the top level;
    /// chats are flat. An update replaces the attachments of the message it names.
    /// </summary>
    private void Keep(string kind, string conversationId, string? activityId, string id, JsonNode? body)
    {
        var attachments = body?["attachments"] is JsonArray sent ? (JsonArray)sent.DeepClone() : new JsonArray();
        var now = Clock.GetUtcNow();
        if (kind == "update")
        {
            if (_messages.TryGetValue(id, out var existing))
            {
                _messages[id] = existing with { Attachments = attachments, LastModifiedAt = now };
            }

            return;
        }

        var separator = conversationId.IndexOf(';', StringComparison.Ordinal);
        var chatId = separator < 0 ? conversationId : conversationId[..separator];
        var threadRoot = separator < 0 ? null : conversationId[(separator + 1)..].Split(';').Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && p[0] == "messageid").Select(p => p[1]).FirstOrDefault();
        var isChannel = chatId.EndsWith("@thread.tacv2", StringComparison.OrdinalIgnoreCase) || chatId.EndsWith("@thread.skype", StringComparison.OrdinalIgnoreCase);
        string? rootId = null;
        if (isChannel)
        {
            rootId = threadRoot ?? (activityId is null ? null : _messages.TryGetValue(activityId, out var repliedTo) ? repliedTo.RootId ?? repliedTo.Id : activityId);
        }

        _messages[id] = new ConnectorMessage(chatId, id, rootId, now, now, attachments);
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
