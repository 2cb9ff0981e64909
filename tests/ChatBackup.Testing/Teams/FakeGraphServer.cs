using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBackup.Testing.Teams;

/// <summary>One Microsoft Graph call the fake received: the decoded path, the raw query and the answer.</summary>
public sealed record RecordedGraphCall(string Path, string Query, string? Authorization, int StatusCode)
{
    public override string ToString() => $"GET {Path}{Query} -> {StatusCode}";
}

/// <summary>
/// A real HTTP server on 127.0.0.1 that plays Microsoft Graph's Teams message lists over what a
/// <see cref="FakeBotFrameworkServer"/> was sent: each <see cref="ConnectorMessage"/> is a
/// <c>chatMessage</c> (id = activity id, <c>createdDateTime</c>, <c>from.application.id</c> = the bot,
/// <c>attachments[].content</c> = the card as a JSON string, like Graph's). Routes under
/// <see cref="BaseUrl"/> (<c>…/v1.0/</c>):
/// <c>teams/{group}/channels/{channel}/messages</c> (top-level posts),
/// <c>…/messages/{root}/replies</c> and <c>chats/{chat}/messages</c> (with Graph's
/// <c>$orderby</c>/<c>$filter</c> on <c>lastModifiedDateTime</c>), newest first, paged by <c>$top</c>
/// (at most 50) with <c>@odata.nextLink</c>. A team answers only after <see cref="AddTeam"/>; every
/// call needs a bearer token.
/// </summary>
public sealed partial class FakeGraphServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly FakeBotFrameworkServer _connector;
    private readonly ConcurrentQueue<RecordedGraphCall> _calls = new();
    private readonly ConcurrentQueue<(int Status, string Code, int? RetryAfterSeconds)> _scripted = new();
    private readonly ConcurrentDictionary<string, string> _channelTeams = new(StringComparer.Ordinal);

    private FakeGraphServer(WebApplication app, FakeBotFrameworkServer connector, string botAppId)
    {
        _app = app;
        _connector = connector;
        BotAppId = botAppId;
        app.MapGet("/v1.0/teams/{groupId}/channels/{channelId}/messages", (string groupId, string channelId, HttpContext context) =>
            AnswerAsync(context, () => InChannel(groupId, channelId)?.Where(m => m.RootId is null)));
        app.MapGet("/v1.0/teams/{groupId}/channels/{channelId}/messages/{rootId}/replies", (string groupId, string channelId, string rootId, HttpContext context) =>
            AnswerAsync(context, () => InChannel(groupId, channelId)?.Where(m => m.RootId == rootId)));
        app.MapGet("/v1.0/chats/{chatId}/messages", (string chatId, HttpContext context) =>
            AnswerAsync(context, () => _connector.Messages.Where(m => m.ChatId == chatId)));
    }

    /// <summary>The App ID shown as <c>from.application.id</c> of the bot's messages.</summary>
    public string BotAppId { get; }

    /// <summary><c>http://127.0.0.1:port/v1.0/</c>: set <c>Teams:GraphBaseUrl</c> to it.</summary>
    public string BaseUrl { get; private set; } = string.Empty;

    /// <summary>Every call answers 403, as Graph does when the RSC permission was not granted.</summary>
    public bool Forbidden { get; set; }

    /// <summary>When set, <c>@odata.nextLink</c> points at this origin (<c>http://host:port</c>) instead of this server.</summary>
    public string? NextLinkOrigin { get; set; }

    public IReadOnlyList<RecordedGraphCall> Calls => [.. _calls];

    public static async Task<FakeGraphServer> StartAsync(FakeBotFrameworkServer connector, string botAppId)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var server = new FakeGraphServer(builder.Build(), connector, botAppId);
        await server._app.StartAsync();
        var address = server._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/v1.0/";
        return server;
    }

    /// <summary>Makes the team with Entra group id <paramref name="groupId"/> own <paramref name="channelIds"/>.</summary>
    public void AddTeam(string groupId, params string[] channelIds)
    {
        foreach (var channel in channelIds)
        {
            _channelTeams[channel] = groupId;
        }
    }

    /// <summary>The next call answers <paramref name="status"/> with Graph's <c>{"error":{code,message}}</c>.</summary>
    public void FailNext(int status, string code, int? retryAfterSeconds = null) => _scripted.Enqueue((status, code, retryAfterSeconds));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private IEnumerable<ConnectorMessage>? InChannel(string groupId, string channelId) =>
        _channelTeams.TryGetValue(channelId, out var owner) && string.Equals(owner, groupId, StringComparison.OrdinalIgnoreCase)
            ? _connector.Messages.Where(m => m.ChatId == channelId)
            : null;

    private async Task AnswerAsync(HttpContext context, Func<IEnumerable<ConnectorMessage>?> list)
    {
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        var status = 200;
        JsonObject answer;
        if (_scripted.TryDequeue(out var scripted))
        {
            status = scripted.Status;
            if (scripted.RetryAfterSeconds is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            }

            answer = Error(scripted.Code);
        }
        else if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            (status, answer) = (401, Error("InvalidAuthenticationToken"));
        }
        else if (Forbidden)
        {
            (status, answer) = (403, Error("Forbidden"));
        }
        else if (list() is not { } messages)
        {
            (status, answer) = (404, Error("NotFound"));
        }
        else if (Page(request, messages) is { } page)
        {
            answer = page;
        }
        else
        {
            (status, answer) = (400, Error("BadRequest"));
        }

        _calls.Enqueue(new RecordedGraphCall(request.Path.Value ?? "", request.QueryString.Value ?? "", authorization.Length > 0 ? authorization : null, status));
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(answer.ToJsonString(), context.RequestAborted);
    }

    /// <summary>Newest first (by last change, or by creation when asked), filtered and paged as Graph does; null for a bad <c>$top</c>.</summary>
    private JsonObject? Page(HttpRequest request, IEnumerable<ConnectorMessage> messages)
    {
        var top = request.Query["$top"].ToString() is { Length: > 0 } t ? int.Parse(t, CultureInfo.InvariantCulture) : 20;
        if (top is < 1 or > 50)
        {
            return null;
        }

        var orderBy = request.Query["$orderby"].ToString();
        var byCreation = orderBy.StartsWith("createdDateTime", StringComparison.Ordinal);
        var ordered = byCreation
            ? messages.OrderByDescending(m => m.CreatedAt)
            : messages.OrderByDescending(m => m.LastModifiedAt);

        // Graph applies a lastModifiedDateTime filter only when the list is ordered by that property.
        if (FilterAfter().Match(request.Query["$filter"].ToString()) is { Success: true } filter && orderBy.StartsWith("lastModifiedDateTime", StringComparison.Ordinal))
        {
            var after = DateTimeOffset.Parse(filter.Groups[1].Value, CultureInfo.InvariantCulture);
            ordered = ordered.Where(m => m.LastModifiedAt > after).OrderByDescending(m => m.LastModifiedAt);
        }

        var skip = request.Query["$skiptoken"].ToString() is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : 0;
        var all = ordered.ToList();
        var page = all.Skip(skip).Take(top).ToList();
        var answer = new JsonObject
        {
            ["@odata.context"] = BaseUrl + "$metadata#chatMessages",
            ["value"] = new JsonArray([.. page.Select(m => (JsonNode)ToChatMessage(m))]),
        };
        if (skip + top < all.Count)
        {
            var query = string.Join('&', request.Query.Where(q => q.Key != "$skiptoken").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}"));
            var origin = NextLinkOrigin ?? $"{request.Scheme}://{request.Host}";
            answer["@odata.nextLink"] = $"{origin}{request.Path}?{query}&$skiptoken={skip + top}";
        }

        return answer;
    }

    private JsonObject ToChatMessage(ConnectorMessage message)
    {
        var isChannel = message.ChatId.Contains("@thread.tacv2", StringComparison.OrdinalIgnoreCase) || message.ChatId.Contains("@thread.skype", StringComparison.OrdinalIgnoreCase);
        var attachments = new JsonArray();
        foreach (var attachment in message.Attachments.OfType<JsonObject>())
        {
            // Graph gives the card as a string of JSON (pretty-printed), not as an object.
            attachments.Add(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString("N"),
                ["contentType"] = attachment["contentType"]?.DeepClone(),
                ["contentUrl"] = null,
                ["content"] = attachment["content"]?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
                ["name"] = null,
                ["thumbnailUrl"] = null,
            });
        }

        return new JsonObject
        {
            ["id"] = message.Id,
            ["replyToId"] = message.RootId,
            ["etag"] = message.Id,
            ["messageType"] = "message",
            ["createdDateTime"] = Time(message.CreatedAt),
            ["lastModifiedDateTime"] = Time(message.LastModifiedAt),
            ["lastEditedDateTime"] = null,
            ["deletedDateTime"] = null,
            ["chatId"] = isChannel ? null : message.ChatId,
            ["from"] = message.FromBot
                ? new JsonObject
                {
                    ["application"] = new JsonObject
                    {
                        ["@odata.type"] = "#microsoft.graph.teamworkApplicationIdentity",
                        ["id"] = BotAppId,
                        ["displayName"] = "ChatBackup",
                        ["applicationIdentityType"] = "bot",
                    },
                    ["device"] = null,
                    ["user"] = null,
                }
                : new JsonObject
                {
                    ["application"] = null,
                    ["device"] = null,
                    ["user"] = new JsonObject { ["id"] = "8ea0e38b-efb3-4757-924a-5f94061cf8c2", ["displayName"] = "Robin Kline", ["userIdentityType"] = "aadUser" },
                },
            ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = string.Concat(attachments.Select(a => $"<attachment id=\"{a!["id"]}\"></attachment>")) },
            ["channelIdentity"] = isChannel ? new JsonObject { ["teamId"] = _channelTeams.GetValueOrDefault(message.ChatId), ["channelId"] = message.ChatId } : null,
            ["attachments"] = attachments,
            ["mentions"] = new JsonArray(),
            ["reactions"] = new JsonArray(),
        };
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Error(string code) => new()
    {
        ["error"] = new JsonObject { ["code"] = code, ["message"] = $"Scripted {code}", ["innerError"] = new JsonObject { ["request-id"] = Guid.NewGuid().ToString() } },
    };

    [GeneratedRegex(@"^lastModifiedDateTime gt (\S+)$")]
    private static partial Regex FilterAfter();
}
